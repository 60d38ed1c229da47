package gen

// Routine content without PI: most of a support conversation and most log
// lines carry none, and a scanner has to get through them fast.

var zhChatPlain = []string{
	"您好，我昨天在你们APP上买的东西到现在还没有发货，页面一直显示待发货，请问是什么原因？",
	"我想问一下会员自动续费怎么取消，我在设置里面找了半天都没有找到入口。",
	"已经按照你们说的方法清除缓存重新登录了，还是一样的问题，打开就闪退。",
	"好的，那我等你们的消息，麻烦尽快处理一下，这个事情比较着急。",
	"请问退款一般多久能到账？我看页面上显示已经退款成功了，但是银行那边还没有收到。",
	"你们的客服电话一直打不通，在线客服也排了很久的队，体验真的很差。",
	"收到的商品和描述不一致，颜色不对，尺码也偏小，我想申请退货。",
	"这个优惠券为什么用不了？提示不满足使用条件，但是我的订单金额已经够了。",
	"麻烦帮我看一下账号是不是被冻结了，登录的时候提示账号异常，需要验证身份。",
	"谢谢你的耐心解答，问题已经解决了，给你们五星好评。",
	"我上周提交的发票申请到现在还没有开出来，公司财务一直在催。",
	"你好，请问你们支持开具增值税专用发票吗？需要提供哪些资料？",
	"快递显示已经签收了，但是我本人并没有收到，门卫那边也说没有。",
	"能不能帮我把收货地址改一下，我下单的时候选错了地址。",
	"为什么我的积分突然清零了？之前还有三千多分，也没有收到任何通知。",
}

var zhAgentPlain = []string{
	"非常抱歉给您带来不便，我这边马上为您核实处理，请您稍等片刻。",
	"您好，已经为您加急处理，预计二十四小时内会有专员联系您。",
	"请您在APP的“我的-设置-账号与安全”里面查看，如果还是找不到可以截图发给我。",
	"感谢您的反馈，我们会把您的建议转达给相关部门，持续改进服务体验。",
	"退款会原路退回，一般一到七个工作日到账，具体以银行处理时间为准。",
	"请问还有其他可以帮您的吗？祝您生活愉快！",
}

var enChatPlain = []string{
	"Hi, I ordered a pair of headphones last week and the tracking page hasn't updated since Monday.",
	"The app crashes every time I open the payment page, I already reinstalled it twice.",
	"Can you tell me how to cancel the automatic renewal of my membership?",
	"I was charged but the order shows as failed, please check what happened.",
	"Thanks for your help, everything works now!",
	"The coupon code doesn't apply at checkout, it says the cart does not qualify.",
	"I'd like to return the item, it arrived damaged and the box was open.",
	"How long does a refund usually take to show up on my statement?",
}

var enAgentPlain = []string{
	"I'm sorry for the trouble, let me look into this for you right away.",
	"I've escalated this to our logistics team; you'll hear from us within 24 hours.",
	"Is there anything else I can help you with today?",
	"Refunds go back to the original payment method and usually take 1-7 business days.",
}

var routineLogs = []string{
	"{ts} DEBUG [http-nio-8080-exec-{n}] o.s.web.servlet.DispatcherServlet - Completed 200 OK",
	"{ts} DEBUG [http-nio-8080-exec-{n}] o.h.SQL - select u1_0.id,u1_0.nickname,u1_0.status from users u1_0 where u1_0.id=?",
	"{ts} INFO  [http-nio-8080-exec-{n}] c.e.w.RequestLogFilter - GET /api/v1/products?page={n}&size=20 200 {n}ms",
	"{ts} INFO  [scheduler-{n}] c.e.j.CleanupJob - removed {n} expired sessions in {n}ms",
	"{ts} DEBUG [lettuce-nioEventLoop-4-{n}] i.l.c.p.CommandHandler - Completing command LatencyMeteredCommand [type=GET, output=ValueOutput [output=null, error='null']]",
	"{ts} INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http) with context path ''",
	"{ts} WARN  [http-nio-8080-exec-{n}] c.e.c.CircuitBreaker - inventory-service slow call rate above threshold, state HALF_OPEN",
	"{ts} INFO  [kafka-consumer-{n}] o.a.k.c.c.i.ConsumerCoordinator - [Consumer clientId=order-consumer, groupId=order] Committed offsets",
	"{ts} DEBUG [metrics] jvm.memory.used heap={n}MB nonheap={n}MB threads={n}",
}

var javaFrames = []string{
	"\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:{n})\n",
	"\tat org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:{n})\n",
	"\tat org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:{n})\n",
	"\tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:{n})\n",
	"\tat org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:{n})\n",
	"\tat org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:{n})\n",
	"\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:{n})\n",
	"\tat java.base/java.lang.Thread.run(Thread.java:{n})\n",
}

package gen

// Templates of support data. {name} is replaced by a generated value:
// the PI types are labelled, everything else is a decoy or filler.
//
// PI:     {mobile} {id} {id15} {card} {cvv} {uscc} {passport} {email} {ipv4} {ipv6}
// Decoys: {ts} {ts_ms} {ts_unix} {ts_compact} {clock} {order} {trace} {snowflake}
//         {uuid} {bad_id} {bad_card} {bad_uscc} {bad_mobile} {version} {mac}
//         {landline} {amount} {errcode} {otp} {tracking} {ticket} {n} {port}
//         {last4} {sku} {qq} {name} {hex} {exp} {zhmsg} {enmsg}

var zhChat = []string{
	"您好，我的手机号是{mobile}，麻烦尽快处理。",
	"我换号了，新号码 {mobile}，之前的{bad_mobile}不用了",
	"请帮我查一下订单号{order}的物流，快递单号 {tracking}",
	"身份证号：{id}，姓名{name}，请核实",
	"我的身份证号码是{id}，手机{mobile}",
	"老身份证号 {id15}，新的是{id}",
	"我刚才填错了，身份证号应该是{id}不是{bad_id}",
	"退款请打到我的银行卡，卡号：{card}",
	"卡号{card}，有效期{exp}，安全码是{cvv}",
	"信用卡 {card} CVV {cvv} 一直提示支付失败",
	"银行卡{card}被扣了两次{amount}元",
	"尾号{last4}的那张卡已经注销了，订单 {order} 还能退吗",
	"公司名称：{name}科技有限公司，统一社会信用代码：{uscc}",
	"发票抬头写公司，税号 {uscc}，邮箱 {email}",
	"我在国外，护照号码：{passport}，没有身份证",
	"护照 {passport}，手机 {mobile}，麻烦帮我实名认证",
	"邮箱是{email}，收不到验证码{otp}",
	"验证码 {otp} 已经过期了，请重新发送",
	"APP 版本 {version}，登录时一直卡在启动页",
	"客服电话{landline}打不通，一直占线",
	"昨天{clock}下的单，订单编号{order}，现在还没发货",
	"我的QQ是{qq}，邮箱{email}",
	"你好，在吗？",
	"好的，谢谢！",
	"还没有收到退款，已经等了{n}天了。",
	"错误码 {errcode}，页面显示系统繁忙",
	"我的IP是{ipv4}，是不是被封了？",
	"麻烦把{mobile}这个号码从黑名单里去掉",
	"收货人{name}，电话：{mobile}，地址在朝阳区",
	"交易流水号{snowflake}，金额{amount}",
	"会员号 {order}，积分怎么没了",
	"参考号：{order}，请帮我查一下这笔退款",
	"编号{order}的商品还有货吗？",
	"充值了{amount}元，订单号：{order}，没到账",
	"联系电话{mobile}（工作日{clock}以后）",
}

var zhAgent = []string{
	"您好，请提供一下您的手机号和订单号。",
	"为了核实身份，请提供您身份证号码的后四位。",
	"已为您登记，工单号{ticket}，预计{n}个工作日内处理。",
	"请勿在聊天中发送银行卡安全码（CVV）。",
	"已经帮您提交退款申请，金额{amount}元。",
	"请问您注册时用的邮箱是哪个？",
	"系统显示订单{order}已于{ts}签收。",
	"好的，已为您更新联系电话。",
}

var enChat = []string{
	"Hi, my phone number is {mobile}, please call me back.",
	"You can reach me at {email} or {mobile}.",
	"My card {card} was charged twice for order #{order}.",
	"Card number: {card}, exp {exp}, CVC {cvv}",
	"the cvv is {cvv} for card {card}",
	"I paid with {card} but got error {errcode}.",
	"Order {order} still hasn't shipped, tracking {tracking}.",
	"My passport number is {passport}, I don't have a Chinese ID card.",
	"Company USCC: {uscc}, please update the invoice.",
	"I'm on app version {version} on Android, login keeps failing.",
	"My IP is {ipv4}, maybe your firewall blocked it?",
	"My ID card number is {id}.",
	"I never got the OTP {otp}.",
	"Thanks, that fixed it!",
	"Still waiting for the refund of {amount} CNY.",
	"Request id {uuid} in the error page.",
	"Payment reference {order} shows as pending.",
	"My membership number is {order}.",
	"The app shows build {version} and crashes on start.",
}

var enAgent = []string{
	"Could you share the order number and the phone number on the account?",
	"I've opened ticket {ticket} for you.",
	"Please never send your card's security code in chat.",
	"The refund of {amount} CNY was issued on {ts}.",
}

var logLines = []string{
	"{ts} INFO  [http-nio-8080-exec-{n}] c.e.o.OrderService - create order orderNo={order} userMobile={mobile} clientIp={ipv4} traceId={trace}",
	"{ts} INFO  [http-nio-8080-exec-{n}] c.e.u.LoginController - login ok uid={n} phone={mobile} ip={ipv4}",
	"{ts} WARN  [scheduler-{n}] c.e.p.PayNotifyJob - retry notify txn={snowflake} amount={amount} attempt={n}",
	"{ts} DEBUG [grpc-{n}] c.e.k.KycService - verify idCard={id} name={name} result=MATCH cost={n}ms",
	"{ts} ERROR [http-nio-8080-exec-{n}] c.e.p.PaymentService - charge failed cardNo={card} code={errcode} requestId={uuid}",
	"{ts} INFO  [main] c.e.Application - Started Application in {n}.{n} seconds (JVM running for {n}.{n}) version={version}",
	"{ts} INFO  [nio-{port}-exec-{n}] o.a.c.c.C.[Tomcat].[localhost] - Initializing Spring DispatcherServlet 'dispatcherServlet'",
	"{ts} INFO  [sms-{n}] c.e.s.SmsSender - sent otp to {mobile} template=LOGIN_CODE msgId={hex}",
	"{ts} INFO  [mail-{n}] c.e.n.Mailer - sent receipt for order {order} to {email}",
	"{ts} WARN  [edge-{n}] c.e.g.RateLimiter - too many requests from {ipv6} (limit {n}/s)",
	"{ts} WARN  [edge-{n}] c.e.g.RateLimiter - too many requests from {ipv4}, window {clock}",
	"{ts} INFO  [invoice-{n}] c.e.i.InvoiceService - issue invoice taxNo={uscc} orderId={order} sku={sku}",
	"{ts} INFO  [kyc-{n}] c.e.k.PassportCheck - passport={passport} nationality=CN status=OK",
	"{ts} DEBUG [cache-{n}] c.e.c.RedisCache - hit key=user:{n}:profile ttl={n} node={mac}",
	"{ts} INFO  [http-nio-8080-exec-{n}] c.e.t.TicketService - ticket {ticket} assigned, customer mobile {mobile}",
	"{ts} ERROR [worker-{n}] c.e.r.RefundService - refund to bank card {card} failed: {errcode} trace_id={trace}",
	"{ts} INFO  [audit] login from {ipv6} user={email} session={hex}",
	"{ts} DEBUG [metrics] gc pause {n}ms heap={n}MB build={version} uptime={ts_unix}",
}

var jsonLogs = []string{
	`{"ts":{ts_ms},"level":"info","logger":"user-service","msg":"{zhmsg}","trace_id":"{trace}","ip":"{ipv4}"}`,
	`{"ts":"{ts}","level":"warn","msg":"{enmsg}","user":{"phone":"{mobile}","email":"{email}"},"request_id":"{uuid}"}`,
	`{"timestamp":{ts_ms},"event":"order.created","order_id":"{order}","amount":{amount},"buyer_mobile":"{mobile}","remote_addr":"{ipv6}"}`,
	`{"time":"{ts}","event":"kyc.submitted","id_card":"{id}","name":"{name}","span_id":"{hex}"}`,
	`{"ts":{ts_unix},"event":"payment.failed","card_no":"{card}","error":"{errcode}","txn_id":"{snowflake}"}`,
	`{"ts":"{ts}","event":"chat.message","from":"customer","text":"{zhmsg}","session":"{uuid}"}`,
	`{"ts":"{ts}","event":"invoice.issued","tax_id":"{uscc}","invoice_no":"{order}","build":"{version}"}`,
	`{"ts":"{ts}","event":"app.start","version":"{version}","device":"{mac}","clientIp":"{ipv4}"}`,
}

var stackTraces = []string{
	"{ts} ERROR [http-nio-8080-exec-{n}] c.e.p.PaymentController - payment failed\r\n" +
		"java.lang.IllegalStateException: card {card} rejected by issuer for user {mobile}\r\n" +
		"\tat com.example.pay.PaymentService.charge(PaymentService.java:{n})\r\n" +
		"\tat com.example.pay.PaymentController.pay(PaymentController.java:{n})\r\n" +
		"\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\r\n",
	"{ts} ERROR [grpc-{n}] c.e.k.KycService - verification error\n" +
		"com.example.kyc.KycException: id card {bad_id} failed checksum, order {order}\n" +
		"\tat com.example.kyc.IdValidator.check(IdValidator.java:{n})\n" +
		"\tat com.example.kyc.KycService.verify(KycService.java:{n})\n" +
		"Caused by: java.net.SocketTimeoutException: connect timed out {ipv4}:{port}\n",
	"panic: runtime error: invalid memory address or nil pointer dereference\n" +
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x{hex}]\n\n" +
		"goroutine {n} [running]:\n" +
		"main.(*Handler).ServeHTTP(0xc000{hex}, {0x{hex}, 0xc000{hex}})\n" +
		"\t/app/internal/handler.go:{n} +0x1d\n" +
		"net/http.serverHandler.ServeHTTP({0xc000{hex}})\n" +
		"\t/usr/local/go/src/net/http/server.go:{n} +0x8e\n",
	"Traceback (most recent call last):\n" +
		"  File \"/app/views.py\", line {n}, in lookup\n" +
		"    user = User.objects.get(phone=\"{mobile}\")\n" +
		"  File \"/usr/lib/python3/site-packages/django/db/models/query.py\", line {n}, in get\n" +
		"django.core.exceptions.ObjectDoesNotExist: User matching query does not exist. email={email}\n",
	"{ts} ERROR std::runtime_error in OrderEngine::submit(): order {order} rejected (code {errcode})\n",
}

var accessLog = `{ipv4} - - [01/May/2024:{clock} +0800] "GET /api/v1/users?phone={mobile}&page={n} HTTP/1.1" 200 {n} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"`

var ticketZh = []string{
	"工单编号：{ticket}\n提交时间：{ts}\n客户邮箱：{email}\n联系电话：{mobile}\n问题描述：\n",
	"工单编号：{ticket}\n提交时间：{ts}\n客户：{name}\n问题描述：\n",
}

var ticketEn = []string{
	"Ticket #{ticket}\nFrom: {email}\nDate: {ts}\nSubject: Refund not received\n\n",
	"Ticket #{ticket}\nFrom: {name} <{email}>\nDate: {ts}\nSubject: Card charged twice\n\n",
}

var names = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞"}

var errcodes = []string{"E10001234", "E20005678", "ERR-4012", "PAY_DECLINED_51", "0x80070005", "E4001"}

var versions = []string{"v2.3.1", "10.0.19041.1", "1.2.3.4", "5.12.0", "go1.21.5", "3.0.0-rc.1", "2.8.14.2"}

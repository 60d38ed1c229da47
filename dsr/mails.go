package dsr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/mail"
)

// Mail to subjects is Chinese first, then English. Keys make each message idempotent: a
// step retried after a crash enqueues the same key, which the outbox delivers once.

var typeNames = map[Type][2]string{
	TypeAccess:       {"查阅个人信息", "access to your personal information"},
	TypePortability:  {"获取个人信息副本(可携带)", "a portable copy of your personal information"},
	TypeCorrection:   {"更正个人信息", "correction of your personal information"},
	TypeDeletion:     {"删除个人信息", "deletion of your personal information"},
	TypeWithdrawal:   {"撤回同意或改变授权范围", "withdrawal of consent or narrowing of authorisation"},
	TypeExplanation:  {"解释个人信息处理规则", "an explanation of the processing rules"},
	TypeCancellation: {"注销账户", "cancellation of your account"},
	TypeComplaint:    {"向个人信息保护专员投诉", "a complaint to the PI protection officer"},
}

func codeMail(to string, r *Request, code string, cons []Consequence) mail.Message {
	tn := typeNames[r.Type]
	zh := fmt.Sprintf("您好:\n\n我们收到了您关于“%s”的请求(编号 %s)。为核实您的身份,请在 10 分钟内输入以下验证码:\n\n    %s\n\n验证码最多可尝试 5 次。如果这不是您本人提出的请求,请忽略本邮件。", tn[0], r.ID, code)
	en := fmt.Sprintf("Hello,\n\nWe received your request for %s (reference %s). To verify that it is you, enter this code within 10 minutes:\n\n    %s\n\nThe code may be tried at most 5 times. If you did not make this request, ignore this message.", tn[1], r.ID, code)
	if len(cons) > 0 {
		var z, e strings.Builder
		for _, c := range cons {
			fmt.Fprintf(&z, "  - %s\n", c.ZH)
			fmt.Fprintf(&e, "  - %s\n", c.EN)
		}
		zh += "\n\n请注意:删除您的个人信息后,以下服务将无法再为您提供:\n" + z.String() + "输入验证码即表示您确认删除。删除还将通知所有从我们这里获得您个人信息的接收方。"
		en += "\n\nPlease note: once your personal information is deleted, these services stop working for you:\n" + e.String() + "Entering the code confirms the deletion. Every recipient that received your personal information from us will be told to delete it too."
	}
	return mail.Message{To: []string{to}, Subject: "验证您的请求 / Verify your request " + r.ID,
		Text: mail.Bilingual(zh, en), Key: fmt.Sprintf("dsr-code:%s:%d", r.ID, time.Now().UnixNano())}
}

func officerMail(to string, r *Request, what string) mail.Message {
	due := r.DueAt.Format(time.RFC3339)
	var zh, en, subj string
	switch what {
	case "complaint":
		subj = "新的投诉 / New complaint " + r.ID
		zh = fmt.Sprintf("收到一项新的投诉(编号 %s),身份已验证,须在 %s 前答复(R-CON-1)。", r.ID, due)
		en = fmt.Sprintf("A new complaint (reference %s) has been verified and must be answered by %s (R-CON-1).", r.ID, due)
	case "7d", "1d":
		left := map[string][2]string{"7d": {"7 天", "7 days"}, "1d": {"1 天", "1 day"}}[what]
		subj = fmt.Sprintf("请求将于%s后到期 / Request due in %s: %s", left[0], left[1], r.ID)
		zh = fmt.Sprintf("个人信息请求(编号 %s,类型 %s,状态 %s)将于 %s 到期(R-DSR-6)。", r.ID, r.Type, r.State, due)
		en = fmt.Sprintf("Subject request %s (type %s, state %s) falls due at %s (R-DSR-6).", r.ID, r.Type, r.State, due)
	}
	return mail.Message{To: []string{to}, Subject: subj, Text: mail.Bilingual(zh, en), Key: "dsr-officer:" + what + ":" + r.ID}
}

// subjectMail builds a mail to the subject's address on record; nil when custos holds no
// address any more (an erased subject).
func (s *Service) subjectMail(ctx context.Context, r *Request, build func(to string, r *Request) mail.Message) (*mail.Message, error) {
	if r.SubjectID == "" {
		return nil, nil
	}
	to, err := s.Subjects.RequestAddress(ctx, r.SubjectID)
	if custos.KindOf(err) == custos.KindNotFound || (err == nil && to == "") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := build(to, r)
	return &m, nil
}

func declineMail(to string, r *Request) mail.Message {
	var g struct{ zh, en string }
	for _, x := range Grounds {
		if x.Ground == r.Decline.Ground {
			g.zh, g.en = x.ZH, x.EN
		}
	}
	tn := typeNames[r.Type]
	zh := fmt.Sprintf("您好:\n\n您关于“%s”的请求(编号 %s)未能获得支持。\n\n依据:%s\n\n说明:\n%s\n\n如您对此有异议,可以通过以下外部途径解决:\n%s", tn[0], r.ID, g.zh, r.Decline.Explanation, r.Decline.Dispute)
	en := fmt.Sprintf("Hello,\n\nYour request for %s (reference %s) has been declined.\n\nGround: %s\n\nExplanation:\n%s\n\nIf you disagree, you can take it up externally:\n%s", tn[1], r.ID, g.en, r.Decline.Explanation, r.Decline.Dispute)
	return mail.Message{To: []string{to}, Subject: "您的请求已答复 / Your request was answered: " + r.ID, Text: mail.Bilingual(zh, en), Key: "dsr-declined:" + r.ID}
}

func answerMail(to string, r *Request) mail.Message {
	tn := typeNames[r.Type]
	zh := fmt.Sprintf("您好:\n\n关于您“%s”的请求(编号 %s),答复如下:\n\n%s", tn[0], r.ID, r.Answer)
	en := fmt.Sprintf("Hello,\n\nOur answer to your request for %s (reference %s) follows:\n\n%s", tn[1], r.ID, r.Answer)
	return mail.Message{To: []string{to}, Subject: "您的请求已答复 / Your request was answered: " + r.ID, Text: mail.Bilingual(zh, en), Key: "dsr-answer:" + r.ID}
}

func doneMail(to string, r *Request, zhBody, enBody string) mail.Message {
	tn := typeNames[r.Type]
	zh := fmt.Sprintf("您好:\n\n您关于“%s”的请求(编号 %s)已处理完毕。\n\n%s", tn[0], r.ID, zhBody)
	en := fmt.Sprintf("Hello,\n\nYour request for %s (reference %s) has been fulfilled.\n\n%s", tn[1], r.ID, enBody)
	return mail.Message{To: []string{to}, Subject: "您的请求已处理 / Your request was fulfilled: " + r.ID, Text: mail.Bilingual(zh, en), Key: "dsr-done:" + r.ID}
}

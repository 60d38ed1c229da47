package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos/mail"
)

type noticeKind int

const (
	noticeArrived noticeKind = iota // a request arrived
	noticeGranted                   // approved: the grant holds
	noticeEnded                     // the grant ended
	noticeClosed                    // a request ended without a grant (denied, expired, withdrawn)
)

// shanghai is China Standard Time; a fixed zone, so no time zone database is needed.
var shanghai = time.FixedZone("CST", 8*60*60)

var endReasonZH = map[string]string{
	EndExpired: "授权期限已到或请求未在期限内获批", EndResolved: "工单已解决", EndRevoked: "已被撤销",
	EndApproverRevoked: "批准人已失去管理员角色", EndRequesterRevoked: "申请人的访问凭据已被吊销", "denied": "已被拒绝",
}

var endReasonEN = map[string]string{
	EndExpired: "its time ran out", EndResolved: "the ticket was solved", EndRevoked: "it was revoked",
	EndApproverRevoked: "an approver lost the administrator role", EndRequesterRevoked: "the requester's credentials were revoked", "denied": "it was denied",
}

// notice builds the customer's e-mail about r: to every administrator of the tenant with
// an address, Chinese first. Its key makes a retried change queue it once.
func (s *Service) notice(ctx context.Context, r *Request, kind noticeKind) ([]mail.Message, error) {
	if s.Admins == nil {
		return nil, nil
	}
	to, err := s.Admins.AdministratorEmails(ctx, r.TenantID)
	if err != nil {
		return nil, err
	}
	if len(to) == 0 {
		s.Log.WarnContext(ctx, "access notice has no recipient: the tenant has no administrator with an e-mail address",
			"tenant", r.TenantID, "request", r.ID)
		return nil, nil
	}
	var subjZH, subjEN, headZH, headEN, key string
	switch kind {
	case noticeArrived:
		subjZH, subjEN = "数据访问请求待您审批", "An access request awaits your approval"
		headZH = "运营方的支持人员请求访问贵方的数据。请登录管理员入口批准或拒绝;未在 " + r.PendingUntil.In(shanghai).Format("2006-01-02 15:04") + "(北京时间)前批准的请求将自动失效。"
		headEN = "Support staff of the operator ask to access your data. Approve or deny it in the administrator portal; unless approved by " + r.PendingUntil.Format(time.RFC3339) + " it expires."
		key = "arrived"
	case noticeGranted:
		subjZH, subjEN = "数据访问已获批准", "Access to your data was granted"
		headZH = "该访问已获批准,将于 " + r.ExpiresAt.In(shanghai).Format("2006-01-02 15:04") + "(北京时间)自动结束。您可随时撤销;每次访问都会记录并向您展示。"
		headEN = "The access was granted and ends by itself at " + r.ExpiresAt.Format(time.RFC3339) + ". You can revoke it at any time; every read is recorded and shown to you."
		key = "granted"
	case noticeEnded:
		subjZH, subjEN = "数据访问已结束", "Access to your data has ended"
		headZH = "该访问已结束:" + endReasonZH[r.EndReason] + "。访问记录仍可在管理员入口查看。"
		headEN = "The access has ended: " + endReasonEN[r.EndReason] + ". The record of every read stays in the administrator portal."
		key = "ended"
	case noticeClosed:
		subjZH, subjEN = "数据访问请求已关闭", "An access request was closed"
		headZH = "该访问请求未获授权即已关闭:" + endReasonZH[r.EndReason] + "。"
		headEN = "The access request closed without access: " + endReasonEN[r.EndReason] + "."
		key = "closed"
	}
	zh, en := details(r)
	return []mail.Message{{
		To:      to,
		Subject: subjZH + " / " + subjEN + " (" + r.ID + ")",
		Text:    mail.Bilingual(headZH+"\n\n"+zh, headEN+"\n\n"+en),
		Key:     "access/" + r.ID + "/" + key,
	}}, nil
}

// details lists a request's facts in both languages.
func details(r *Request) (string, string) {
	var zh, en strings.Builder
	line := func(b *strings.Builder, label, v string) {
		if v != "" {
			fmt.Fprintf(b, "%s: %s\n", label, v)
		}
	}
	line(&zh, "请求编号", r.ID)
	line(&en, "Request", r.ID)
	line(&zh, "工单", r.Ticket)
	line(&en, "Ticket", r.Ticket)
	line(&zh, "申请人", r.Requester)
	line(&en, "Requester", r.Requester)
	line(&zh, "所属实体", r.Entity)
	line(&en, "Employing entity", r.Entity)
	line(&zh, "所在国家或地区", r.Country)
	line(&en, "Country", r.Country)
	line(&zh, "数据类别", join(r.Categories))
	line(&en, "Categories", join(r.Categories))
	line(&zh, "目的", r.Purpose)
	line(&en, "Purpose", r.Purpose)
	line(&zh, "时长", r.Duration.String())
	line(&en, "Duration", r.Duration.String())
	line(&zh, "理由", r.Justification)
	line(&en, "Justification", r.Justification)
	if r.Abroad() {
		zh.WriteString("\n该访问来自中国大陆境外,属于个人信息出境。\n")
		en.WriteString("\nThe access comes from outside mainland China: a transfer of personal information abroad.\n")
		if r.Recipient != nil {
			line(&zh, "境外接收方", r.Recipient.Name)
			line(&en, "Recipient abroad", r.Recipient.Name)
			line(&zh, "联系方式", r.Recipient.Contact)
			line(&en, "Contact", r.Recipient.Contact)
		}
		if r.Transfer != nil {
			line(&zh, "出境机制", r.Transfer.Mechanism+" "+r.Transfer.Exemption+" "+r.Transfer.Reference)
			line(&en, "Transfer mechanism", r.Transfer.Mechanism+" "+r.Transfer.Exemption+" "+r.Transfer.Reference)
		}
		if r.Consent != nil {
			line(&zh, "单独同意或豁免", r.Consent.Basis+" "+r.Consent.Reference)
			line(&en, "Separate consent or exemption", r.Consent.Basis+" "+r.Consent.Reference)
		}
	}
	return zh.String(), en.String()
}

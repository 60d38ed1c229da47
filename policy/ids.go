package policy

import "strings"

// The enumerations below are small integers so that a Question and a Decision are plain values
// that Decide can read and fill without allocating. Each has a stable snake_case code (what
// the API, the audit log and test files say) and a message in Chinese and English. The zero
// value of Role and State is deliberately invalid, so that a Question someone forgot to fill
// is denied rather than treated as an ordinary one.

// label is a code with its Chinese and English text.
type label struct {
	code, zh, en string
}

// text picks the Chinese text for any "zh" language tag (zh, zh-CN, zh-Hans) and English
// otherwise: the console and the API speak these two.
func (l label) text(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return l.zh
	}
	return l.en
}

func lookup(labels []label, s string) (int, bool) {
	for i, l := range labels {
		if i > 0 && l.code == s {
			return i, true
		}
	}
	return 0, false
}

func labelAt(labels []label, i int) label {
	if i < 0 || i >= len(labels) {
		return labels[0]
	}
	return labels[i]
}

// Role is who is asking.
type Role uint8

// Roles.
const (
	RoleUnknown         Role = iota
	RoleOperatorAdmin        // operator-admin: the operator's administrators
	RolePrivacyOfficer       // privacy-officer: 个人信息保护专员
	RoleSupportEngineer      // support-engineer: the operator's (or a vendor's) support staff
	RoleAuditor              // auditor: auditors and regulators
	RoleCustomerAdmin        // customer-admin: a customer's administrator (管理员入口)
	RoleService              // service: an internal system caller
	roleCount
)

var roleLabels = []label{
	{"unknown", "未知角色", "unknown role"},
	{"operator-admin", "运营方管理员", "operator administrator"},
	{"privacy-officer", "个人信息保护专员", "privacy officer"},
	{"support-engineer", "支持工程师", "support engineer"},
	{"auditor", "审计员", "auditor"},
	{"customer-admin", "客户管理员", "customer administrator"},
	{"service", "内部系统", "internal service"},
}

func (r Role) String() string             { return labelAt(roleLabels, int(r)).code }
func (r Role) Message(lang string) string { return labelAt(roleLabels, int(r)).text(lang) }
func (r Role) valid() bool                { return r > RoleUnknown && r < roleCount }

// ParseRole parses a role code such as "support-engineer".
func ParseRole(s string) (Role, bool) { i, ok := lookup(roleLabels, s); return Role(i), ok }

// State is where the subject's account is in its lifecycle.
type State uint8

// States.
const (
	StateUnknown   State = iota
	StateActive          // active: the services are in use (R-RET-1)
	StateTrial           // trial: a trial subscription (R-RET-5)
	StateCancelled       // cancelled: kept only as law requires, not used (R-RET-2)
	StateLegalHold       // legal_hold: frozen for a legal proceeding; used like a cancelled one
	StateErased          // erased: deleted or anonymised; nothing is left to use (R-RET-3)
	stateCount
)

var stateLabels = []label{
	{"unknown", "未知状态", "unknown state"},
	{"active", "使用中", "active"},
	{"trial", "试用", "trial"},
	{"cancelled", "已注销", "cancelled"},
	{"legal_hold", "依法保全", "legal hold"},
	{"erased", "已删除", "erased"},
}

func (s State) String() string             { return labelAt(stateLabels, int(s)).code }
func (s State) Message(lang string) string { return labelAt(stateLabels, int(s)).text(lang) }
func (s State) valid() bool                { return s > StateUnknown && s < stateCount }

// ParseState parses a state code such as "cancelled".
func ParseState(s string) (State, bool) { i, ok := lookup(stateLabels, s); return State(i), ok }

// Basis is the legal basis of a processing (PIPL art. 13; the statement's list, R-SHR-7).
type Basis uint8

// Bases. BasisNone is what a denial carries.
const (
	BasisNone              Basis = iota
	BasisConsent                 // consent: the subject's (separate, where needed) consent
	BasisContract                // contract: needed for a contract the subject is party to
	BasisLegalDuty               // legal_duty: needed for a statutory duty
	BasisEmergency               // emergency: public-health emergency, protecting life and property
	BasisNewsReporting           // news_reporting: news reporting in the public interest
	BasisPublicInformation       // public_information: information already lawfully public
	BasisOtherLaw                // other_law: other cases set by law
	basisCount
)

var basisLabels = []label{
	{"none", "无", "none"},
	{"consent", "个人同意", "consent"},
	{"contract", "订立、履行合同所必需", "necessary for a contract"},
	{"legal_duty", "履行法定职责或者法定义务所必需", "necessary for a legal duty"},
	{"emergency", "应对突发公共卫生事件或保护生命健康和财产安全所必需", "public-health emergency or protection of life and property"},
	{"news_reporting", "为公共利益实施新闻报道、舆论监督", "news reporting in the public interest"},
	{"public_information", "处理已经合法公开的个人信息", "information already lawfully made public"},
	{"other_law", "法律、行政法规规定的其他情形", "other cases set by law"},
}

func (b Basis) String() string             { return labelAt(basisLabels, int(b)).code }
func (b Basis) Message(lang string) string { return labelAt(basisLabels, int(b)).text(lang) }

// ParseBasis parses a basis code such as "legal_duty".
func ParseBasis(s string) (Basis, bool) { i, ok := lookup(basisLabels, s); return Basis(i), ok }

// Action is what happens to data when its retention period ends (R-RET-3).
type Action uint8

// Actions.
const (
	ActionNone Action = iota
	ActionDelete
	ActionAnonymise
	actionCount
)

var actionLabels = []label{
	{"none", "无", "none"},
	{"delete", "删除", "delete"},
	{"anonymise", "匿名化", "anonymise"},
}

func (a Action) String() string             { return labelAt(actionLabels, int(a)).code }
func (a Action) Message(lang string) string { return labelAt(actionLabels, int(a)).text(lang) }

// ParseAction parses an action code: "delete" or "anonymise".
func ParseAction(s string) (Action, bool) { i, ok := lookup(actionLabels, s); return Action(i), ok }

// Reason says why Decide answered as it did.
type Reason uint8

// Reasons, in the order of the rules in Decide.
const (
	ReasonNone                    Reason = iota
	ReasonUnknownRole                    // the role is not one of the roles
	ReasonUnknownState                   // the state is not one of the states
	ReasonUnknownCategory                // the category is not in the policy (R-INV-1)
	ReasonUnknownPurpose                 // the purpose is not in the policy (R-PUR-2)
	ReasonSubjectErased                  // the subject's data was erased (R-RET-3)
	ReasonOtherTenant                    // a customer's admin asked about another tenant (R-INV-3)
	ReasonAccountCancelled               // cancelled: only retained use (R-RET-2)
	ReasonLegalHold                      // on legal hold: only retained use
	ReasonGuardianConsentRequired        // a minor without a guardian's consent (R-MIN-1)
	ReasonAccessGrantRequired            // staff without the customer's access grant (R-RES-2)
	ReasonAccessPurposeNotAllowed        // staff access for a purpose the access rule does not allow
	ReasonRealNameRequired               // a service purpose before real-name verification (R-PUR-3)
	ReasonDeclaredPurpose                // allowed: a declared purpose of the category (R-PUR-1)
	ReasonConsent                        // allowed: the subject consented
	ReasonSeparateConsent                // allowed: the subject gave a separate consent
	ReasonConsentRequired                // denied: needs a consent the subject has not given (R-PUR-2)
	ReasonSeparateConsentRequired        // denied: needs a separate consent (单独同意)
	reasonCount
)

var reasonLabels = []label{
	{"none", "无", "none"},
	{"unknown_role", "未知的角色", "the role is unknown"},
	{"unknown_state", "未知的账户状态", "the account state is unknown"},
	{"unknown_category", "未声明的数据类别", "the data category is not declared"},
	{"unknown_purpose", "未声明的处理目的", "the purpose is not declared"},
	{"subject_erased", "该主体的个人信息已删除或匿名化", "the subject's data has been erased"},
	{"other_tenant", "客户管理员只能处理本客户的数据", "a customer administrator may act only on their own tenant"},
	{"account_cancelled", "账号已注销:个人信息仅依法保留,不得使用或处理", "the account is cancelled: data is only kept as law requires, not used"},
	{"legal_hold", "数据处于依法保全状态,仅可保存", "the data is on legal hold and may only be kept"},
	{"guardian_consent_required", "未成年人需经监护人同意", "a minor needs a guardian's consent"},
	{"access_grant_required", "访问客户数据需经客户授权", "access to customer data needs the customer's grant"},
	{"access_purpose_not_allowed", "该访问不得用于此目的", "the access rule does not allow this purpose"},
	{"real_name_required", "未完成实名认证,无法使用在线服务", "real-name verification is required to use the services"},
	{"declared_purpose", "属于该类数据声明的处理目的", "a declared purpose of this data category"},
	{"consent", "已取得个人同意", "the subject consented"},
	{"separate_consent", "已取得单独同意", "the subject gave a separate consent"},
	{"consent_required", "超出声明范围,需取得明示同意", "beyond the declared purposes: explicit consent is required"},
	{"separate_consent_required", "需取得单独同意", "a separate consent is required"},
}

func (r Reason) String() string             { return labelAt(reasonLabels, int(r)).code }
func (r Reason) Message(lang string) string { return labelAt(reasonLabels, int(r)).text(lang) }

// ParseReason parses a reason code such as "consent_required".
func ParseReason(s string) (Reason, bool) { i, ok := lookup(reasonLabels, s); return Reason(i), ok }

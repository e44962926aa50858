"""Interface strings of sign-in, roles, 审计日志 and 账户: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # --- sign-in ---------------------------------------------------------------------------
    "auth_title": ("登录", "Sign in"),
    "auth_name": ("账户名", "Account"),
    "auth_password": ("密码", "Password"),
    "auth_submit": ("登录", "Sign in"),
    "auth_oidc": ("使用单位账号登录", "Sign in with your organisation's account"),
    "auth_wrong": ("账户名或密码不对", "Wrong account name or password"),
    "auth_throttled": (
        "登录失败次数过多,请 {s} 秒后再试",
        "Too many failed sign-ins: try again in {s} s",
    ),
    "auth_notice_timeout": (
        "长时间没有操作,已自动退出,请重新登录。",
        "You were signed out after a while without activity: please sign in again.",
    ),
    "auth_notice_disabled": (
        "该账户已停用或已删除,请与管理员联系。",
        "This account has been disabled or removed: ask the administrator.",
    ),
    "auth_notice_signed_out": ("已退出。", "Signed out."),
    "auth_notice_no_role": (
        "单位账号已登录,但没有本系统的角色:请管理员在身份提供方为你分配角色。",
        "Signed in by your organisation, but with no role here: ask the administrator to give "
        "you one.",
    ),
    "auth_closed": (
        "本服务器可被其他电脑访问,但还没有任何账户,因此不显示任何内容。请在服务器上运行 "
        "township-atlas users WORKSPACE add 名字 --role admin 建立管理员。",
        "This server can be reached from other computers but has no accounts yet, so it shows "
        "nothing. On the server, run township-atlas users WORKSPACE add NAME --role admin.",
    ),
    "auth_bad_host": (
        "拒绝访问:请用服务器的 IP 地址或计算机名打开本系统(其他域名须在 {hosts} 中列出)。",
        "Refused: open the dashboard by the server's IP address or computer name (other names "
        "must be listed in {hosts}).",
    ),
    "auth_signed_in_as": ("{name} · {role}", "{name} · {role}"),
    "auth_villages": ("负责村:{villages}", "Villages: {villages}"),
    "auth_local_role": ("本机使用", "this computer"),
    "auth_logout": ("退出登录", "Sign out"),
    "auth_denied": ("你的角色不能做这件事。", "Your role cannot do this."),
    "rules_not_saved": ("规则未保存:{error}", "The rules were not saved: {error}"),
    # --- 审计日志 -----------------------------------------------------------------------
    "page_audit": ("审计日志", "Audit log"),
    "audit_hint": (
        "谁在何时做了什么:每次修改数据、登录、查看农户和按证件号码查找都记一行,不能删改。",
        "Who did what and when: every change, sign-in, household view and ID-number lookup "
        "is one row, which cannot be edited or deleted.",
    ),
    "audit_since": ("从", "From"),
    "audit_until": ("到", "To"),
    "audit_account": ("账户", "Account"),
    "audit_action": ("操作", "Action"),
    "audit_all": ("全部", "All"),
    "audit_none": ("这段时间没有记录。", "Nothing recorded in this period."),
    "audit_count": ("共 {n} 条", "{n} rows"),
    "audit_shown": (
        "显示最新的 {n} 条;下载包含全部。",
        "The newest {n} are shown; downloads hold all.",
    ),
    "audit_csv": ("下载 CSV", "Download CSV"),
    "audit_xlsx": ("下载 Excel", "Download Excel"),
    "audit_col_at": ("时间", "Time"),
    "audit_col_account": ("账户", "Account"),
    "audit_col_role": ("角色", "Role"),
    "audit_col_action": ("操作", "Action"),
    "audit_col_target": ("对象", "Object"),
    "audit_col_detail": ("说明", "Detail"),
    # --- 账户管理 -------------------------------------------------------------------------
    "page_users": ("账户管理", "Accounts"),
    "users_hint": (
        "谁可以登录、以什么角色、看哪些村。与命令 township-atlas users 是同一份账户;每次修改都记入"
        "审计日志。",
        "Who may sign in, with which role, seeing which villages: the same accounts as the "
        "township-atlas users command; every change is in the audit log.",
    ),
    "users_none": (
        "还没有账户:在本机使用时不需要登录。建立第一个账户(管理员)后,每个浏览器都要登录。",
        "No accounts yet: no sign-in on this computer. Once the first account (an administrator) "
        "exists, every browser signs in.",
    ),
    "users_first_admin": (
        "第一个账户是管理员;建立后本页也要登录。",
        "The first account is an administrator; after it, this page asks you to sign in too.",
    ),
    "users_col_name": ("账户名", "Account"),
    "users_col_role": ("角色", "Role"),
    "users_col_villages": ("可见村", "Villages"),
    "users_col_state": ("状态", "State"),
    "users_col_updated": ("修改时间", "Changed"),
    "users_all_villages": ("全部村", "all villages"),
    "users_enabled": ("启用", "enabled"),
    "users_disabled": ("停用", "disabled"),
    "users_add": ("新建账户", "New account"),
    "users_villages": (
        "可见村(监测员只看这些村的农户;不选即全部)",
        "Villages (a monitor sees only their households; none: all)",
    ),
    "users_password": ("密码(至少 8 个字符)", "Password (8 characters or more)"),
    "users_password_again": ("再输入一次", "Again"),
    "users_password_mismatch": (
        "两次输入的密码不同,未作改动。",
        "The passwords differ: nothing changed.",
    ),
    "users_add_submit": ("建立账户", "Create the account"),
    "users_choose": ("修改账户", "Change an account"),
    "users_save_role": ("保存角色和可见村", "Save role and villages"),
    "users_disable": ("停用该账户", "Disable the account"),
    "users_enable": ("启用该账户", "Enable the account"),
    "users_reset": ("重设密码", "Reset the password"),
    "users_done_add": ("已建立账户 {name}。", "Account {name} created."),
    "users_done_set_role": ("已修改 {name} 的角色和可见村。", "Role and villages of {name} saved."),
    "users_done_disable": ("已停用 {name}。", "{name} disabled."),
    "users_done_enable": ("已启用 {name}。", "{name} enabled."),
    "users_done_reset_password": ("已重设 {name} 的密码。", "Password of {name} reset."),
    # --- 农户查询 --------------------------------------------------------------------------
    "hh_lookup_limited": (
        "按证件号码查找太频繁:{minutes} 分钟内最多 {n} 次。本次未查找,已记入审计日志。",
        "Too many lookups by ID number: at most {n} in {minutes} minutes. This one was not "
        "made, and is in the audit log.",
    ),
}

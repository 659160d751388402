// Words of the account pages: start, login, registration, activation, real name, recovery.
export default {
  start: {
    title: "毕业生学籍与图像校对",
    lead: "核对将要写入学历证书的学籍信息与毕业照片，发现问题在截止日期前提出更正。",
    steps: "办理流程",
    login: "登录",
    register: "注册账号",
    staff: "学校工作人员请使用学校分配的账号登录。",
  },
  login: {
    title: "登录",
    email: "电子邮箱（用户名）",
    password: "密码",
    submit: "登录",
    forgot: "忘记用户名或密码？",
    noAccount: "还没有账号？",
    register: "立即注册",
    expired: "登录已失效，请重新登录。",
  },
};

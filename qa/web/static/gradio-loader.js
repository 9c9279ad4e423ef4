/*
 * /gradio.js — what a portal loads for Gradio's <gradio-app> web component (see docs/embed-web-component.html).
 * First asks the assistant whether this page may use it: a portal whose origin is missing from --cors-origin
 * (or a server that needs a token) gets a Chinese explanation in place of the chat instead of a blank box.
 * Then loads the chat's page script (chat.js) and Gradio's own loader, both from this server, keeping the
 * portal's body margin and line height as they were.
 */
const base = new URL("./", import.meta.url);

function explain(html) {
  for (const app of document.querySelectorAll("gradio-app")) {
    const box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.style.cssText = "border:1px solid #f59e0b;background:#fffbeb;color:#78350f;padding:12px 16px;" +
      "border-radius:8px;font:15px/1.7 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:720px";
    box.innerHTML = html;
    app.replaceChildren(box);
  }
}

function code(text) {
  const el = document.createElement("code");
  el.textContent = text;
  return el.outerHTML;
}

/* Gradio's stylesheet carries `body{margin:0;line-height:inherit}`, which would reset the portal's own page:
   whatever the portal's body looked like before, it keeps (re-checked as each stylesheet arrives). */
function keepPortalBody() {
  const body = getComputedStyle(document.body);
  const before = { margin: body.margin, lineHeight: body.lineHeight };
  const restore = () => {
    const now = getComputedStyle(document.body);
    if (now.margin !== before.margin) document.body.style.margin = before.margin;
    if (now.lineHeight !== before.lineHeight) document.body.style.lineHeight = before.lineHeight;
  };
  document.addEventListener("load", (ev) => { if (ev.target.tagName === "LINK") restore(); }, true);
  new MutationObserver(restore).observe(document.head, { childList: true });
}

let status = 0;
try {
  status = (await fetch(new URL("config", base), { credentials: "omit" })).status;
} catch (e) {
  status = -1; // refused by CORS: this origin is not on the allow-list
}
if (status === -1) {
  explain(`<strong>报告问答助手无法在本页面显示。</strong><br>助手（${code(base.origin)}）没有允许本网站` +
    `（${code(location.origin)}）嵌入。请管理员在启动助手时加上 ${code("--cors-origin " + location.origin)}` +
    `（或设置环境变量 ${code("QA_CORS_ORIGINS")}），或改用气泡组件 ${code('<script src="' + base + 'embed.js">')}。`);
} else if (status === 401) {
  explain(`<strong>报告问答助手需要访问令牌。</strong><br>网页组件无法携带令牌，请改用 iframe 或气泡组件 ` +
    `${code('<script src="' + base + 'embed.js">')}，并让助手与门户同站点部署（或使用 https）。`);
} else {
  keepPortalBody();
  const chat = document.createElement("script");
  chat.src = new URL("qa-static/chat.js", base).href;
  document.head.appendChild(chat);
  await import(new URL("gradio-web.js", base).href);
}

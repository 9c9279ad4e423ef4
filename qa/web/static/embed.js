/*
 * The bubble widget for portals (served as /embed.js):
 *
 *   <script src="http://qa-host:7860/embed.js" data-title="报告问答"></script>
 *
 * adds a floating button that opens the chat in a panel. The chat runs in an <iframe> (its styles cannot touch
 * the portal's, nor the portal's it); the button and panel live in a shadow root for the same reason. Everything
 * is loaded from the assistant's server. The portal can ask on the user's behalf and react to answers:
 *
 *   window.ReportQA.ask("哪个区的人工智能企业最多？");   // opens the panel and asks
 *   window.ReportQA.on("answer", function (answer) { … });  // the `qa ask --json` object
 *   window.addEventListener("message", function (e) { e.data.source === "report-qa" && … });  // "ready", "answer"
 *
 * "answer" events go only to portals whose origin is on the server's --cors-origin list (the rule that guards
 * /api/ask); on other pages the chat and ReportQA.ask still work, but the page receives no answers.
 */
(function () {
  "use strict";
  if (window.ReportQA) return;
  var script = document.currentScript;
  var server = new URL(".", script.src);
  var title = script.getAttribute("data-title") || "报告问答";
  var listeners = { ready: [], answer: [] };
  var queue = [];
  var ready = false;
  var loaded = false;
  var host, shadow, panel, frame, button;
  /* Every inherited property is set here, so nothing of the portal's styles (letter-spacing on div, fonts, a
     text-transform on button …) reaches the widget: :host's !important wins over the portal's rules. */
  var FONT = "system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";
  var RESET = "letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;text-align:left;" +
    "text-shadow:none;font-style:normal;font-variant:normal;font-weight:400;white-space:normal;direction:ltr;" +
    "visibility:visible;cursor:auto;line-height:1.4;font-size:15px;font-family:" + FONT + ";color:#111827";

  function build() {
    if (host) return;
    host = document.createElement("report-qa-widget");  // no portal rule for div or span can match it
    shadow = host.attachShadow({ mode: "open" });
    shadow.innerHTML =
      "<style>" +
      ":host{all:initial !important;display:block !important}" +
      ".root{" + RESET + "}" +
      ".btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;" +
      "border:0;margin:0;padding:0;background:#1d4ed8;color:#fff;font:600 15px/1 " + FONT + ";" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;letter-spacing:normal;text-transform:none}" +
      ".btn:focus-visible{outline:3px solid #b45309;outline-offset:2px}" +
      ".panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:min(440px,calc(100vw - 40px));" +
      "height:min(680px,calc(100vh - 120px));display:none;flex-direction:column;background:#fff;border-radius:12px;" +
      "box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden}" +
      ".panel.open{display:flex}" +
      ".head{display:flex;align-items:center;justify-content:space-between;padding:8px 12px;background:#1d4ed8;" +
      "color:#fff;font:600 15px/1.4 " + FONT + "}" +
      ".close{border:0;margin:0;background:transparent;color:#fff;font:400 20px/1 " + FONT + ";cursor:pointer;" +
      "padding:2px 6px;letter-spacing:normal;text-transform:none}" +
      ".close:focus-visible{outline:2px solid #fff}" +
      "iframe{flex:1;border:0;width:100%;background:#fff}" +
      /* a phone: the panel fills the screen and has its own close button, so the launcher steps aside */
      "@media (max-width:600px){.panel{right:0;bottom:0;width:100vw;height:100dvh;border-radius:0}" +
      ".panel.open+.btn{display:none}}" +
      "</style><div class='root'>" +
      "<div class='panel' role='dialog' aria-modal='false'><div class='head'><span class='title'></span>" +
      "<button type='button' class='close' aria-label='关闭'>×</button></div></div>" +
      "<button type='button' class='btn' aria-expanded='false'>问答</button></div>";
    panel = shadow.querySelector(".panel");
    button = shadow.querySelector(".btn");
    shadow.querySelector(".title").textContent = title;
    panel.setAttribute("aria-label", title);
    button.setAttribute("aria-label", "打开" + title);
    button.addEventListener("click", function () { if (panel.classList.contains("open")) close(); else open(); });
    shadow.querySelector(".close").addEventListener("click", close);
    panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); close(); } });
    document.body.appendChild(host);
  }

  /* The first question rides in the address (?q=, asked as soon as the chat is wired): no wait for "ready". */
  function open(question) {
    build();
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = title;
      var url = new URL("?embed=" + encodeURIComponent(location.origin), server);
      if (question) url.searchParams.set("q", question);
      frame.src = url.href;
      frame.addEventListener("load", function () { loaded = true; });
      panel.appendChild(frame);
    } else if (loaded && !ready && !panel.classList.contains("open")) {
      // the chat never came up (e.g. a sign-in page in token mode): reopening tries again, now maybe signed in
      loaded = false;
      frame.src = frame.src;
    }
    panel.classList.add("open");
    button.setAttribute("aria-expanded", "true");
  }

  function close() {
    if (!panel) return;
    panel.classList.remove("open");
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  function send(question) {
    frame.contentWindow.postMessage({ type: "ask", question: question }, server.origin);
  }

  window.addEventListener("message", function (ev) {
    if (ev.origin !== server.origin || !ev.data || ev.data.source !== "report-qa") return;
    if (ev.data.type === "close") { close(); return; }  // Escape pressed inside the chat
    if (ev.data.type === "ready") {
      ready = true;
      queue.splice(0).forEach(send);
    }
    (listeners[ev.data.type] || []).forEach(function (fn) {
      try { fn(ev.data.answer); } catch (e) { console.error(e); }
    });
  });

  /* Called before the page has a body: wait for it (never throw at a portal). */
  function whenBuilt(fn) {
    return function () {
      var args = arguments;
      if (document.body) { fn.apply(null, args); return; }
      document.addEventListener("DOMContentLoaded", function () { fn.apply(null, args); });
    };
  }

  window.ReportQA = {
    /** Open the panel and ask `question` in the chat (queued until the chat is ready). The chat keeps the
        conversation, so a follow-up such as "那朝阳区呢？" is read against the question before it. */
    ask: whenBuilt(function (question) {
      if (typeof question !== "string" || !question.trim()) return;
      if (!frame) { open(question); return; }
      open();
      if (ready) send(question); else queue.push(question);
    }),
    open: whenBuilt(function () { open(); }),
    close: close,
    /** Call `fn` on "ready" (no argument) or "answer" (the answer object, with `asked_as`). */
    on: function (type, fn) { if (listeners[type] && typeof fn === "function") listeners[type].push(fn); }
  };

  if (document.body) build(); else document.addEventListener("DOMContentLoaded", build);
})();

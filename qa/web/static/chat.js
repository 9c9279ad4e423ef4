/*
 * The chat page's own behaviour, on top of Gradio (loaded by the page, or by /gradio.js for the web component).
 *
 * Gradio's sanitizer strips event handlers, data-* and aria-* from messages, so each answer card carries its
 * data as JSON text in a hidden element (.qa-data) and its controls as plain buttons; this script gives them
 * behaviour through event delegation:
 *   - [n] opens and shows source n of the same answer; 复制 copies plain text with [n] markers;
 *   - 👍/👎 post to /api/feedback, then offer an optional comment;
 *   - a new answer is shown under its question at the top of the chat (only the chat's list scrolls);
 *   - Escape in the widget's panel closes it; the text box takes focus only on a page of its own;
 *   - messages get plain-text accessible names, and Gradio's remaining English strings are put into Chinese;
 *   - inside the bubble widget's iframe it talks to the portal by postMessage: it takes "ask" and sends "ready"
 *     to any embedding page, "answer" only to one whose origin is on the --cors-origin list (window.__QA_PARENT_ORIGIN__).
 */
(function () {
  "use strict";
  if (window.__qaChat) return;
  window.__qaChat = true;

  var script = document.currentScript;
  var base = new URL(".", script && script.src ? new URL("..", script.src) : document.baseURI);
  var parentOrigin = window.__QA_PARENT_ORIGIN__ || null;
  var embedded = new URLSearchParams(location.search).has("embed");
  if (embedded) document.documentElement.classList.add("qa-embedded");

  /* Gradio strings that are English in every locale (hard-coded in its frontend). */
  var ZH = {
    "Warning": "提示", "Info": "提示", "Error": "出错了", "Success": "完成",
    "Connection to the server was lost. Attempting reconnection...": "与服务器的连接已断开，正在重新连接……",
    "Copy message": "复制", "Copied message": "已复制", "Clear": "清空对话", "Close": "关闭",
    "Scroll down": "回到最新", "Retry": "重新回答", "Undo": "撤销", "Like": "有用", "Dislike": "有误",
    "Textbox": "问题", "chatbot conversation": "对话", "Loading...": "加载中……", "Loading": "加载中"
  };
  var PATTERNS = [[/^Select example (\d+): /, "示例问题 $1："]];
  var TRANSLATED_ATTRS = ["aria-label", "title", "placeholder"];

  function zh(text) {
    var key = text.trim();
    if (ZH[key]) return text.replace(key, ZH[key]);
    for (var i = 0; i < PATTERNS.length; i++) {
      if (PATTERNS[i][0].test(text)) return text.replace(PATTERNS[i][0], PATTERNS[i][1]);
    }
    return text;
  }

  function cardData(card) {
    var el = card.querySelector(".qa-data");
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }

  function say(card, text) {
    var status = card.querySelector(".qa-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "qa-status";
      status.setAttribute("role", "status");
      card.querySelector(".qa-actions").appendChild(status);
    }
    status.textContent = text;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");  // http:// intranet pages have no clipboard API
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;left:-9999px;top:0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }

  function postFeedback(card, rating, comment) {
    var data = cardData(card);
    if (!data) return Promise.reject(new Error("no data"));
    // the question as answered: "那朝阳区呢？" alone would mean nothing in `qa feedback export`
    var body = { question: data.answer.asked_as || data.answer.question, answer: data.answer.answer, rating: rating };
    if (comment) body.comment = comment;
    return fetch(new URL("api/feedback", base), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || "提交失败"); return j; });
    });
  }

  function commentForm(card, rating) {
    var old = card.querySelector(".qa-fb-form");
    if (old) old.remove();
    var form = document.createElement("form");
    form.className = "qa-fb-form";
    form.innerHTML = '<label><span>补充说明（可选）</span><input type="text" maxlength="2000" ' +
      'placeholder="例如：正确答案应是……"></label><button type="submit">发送</button>';
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = form.querySelector("input").value.trim();
      if (!text) { form.remove(); return; }
      postFeedback(card, rating, text).then(function () {
        form.remove();
        say(card, "已收到补充说明，谢谢！");
      }, function (e) { say(card, e.message); });
    });
    card.querySelector(".qa-actions").after(form);
    form.querySelector("input").focus();
  }

  function openSource(ref) {
    var id = (ref.getAttribute("href") || "").slice(1);
    var target = id && document.getElementById(id);
    if (!target) return;
    var more = target.closest(".qa-more");
    if (more) more.open = true;
    target.open = true;
    target.classList.add("qa-flash");
    setTimeout(function () { target.classList.remove("qa-flash"); }, 1200);
    target.scrollIntoView({ block: "nearest" });
    target.querySelector("summary").focus({ preventScroll: true });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest && ev.target.closest(".qa-ref, .qa-copy, .qa-vote");
    if (!t) return;
    var card = t.closest(".qa-card");
    if (t.classList.contains("qa-ref")) {
      ev.preventDefault();
      openSource(t);
    } else if (t.classList.contains("qa-copy")) {
      var data = card && cardData(card);
      if (data) copyText(data.copy).then(function () { say(card, "已复制"); }, function () { say(card, "复制失败"); });
    } else if (card) {
      var rating = t.classList.contains("qa-up") ? "up" : "down";
      card.querySelectorAll(".qa-vote").forEach(function (b) { b.setAttribute("aria-pressed", String(b === t)); });
      postFeedback(card, rating).then(function () {
        say(card, "已记录，谢谢反馈！");
        commentForm(card, rating);
      }, function (e) { say(card, e.message); });
    }
  }, true);

  /* Escape inside the bubble widget's panel closes it (the key never reaches the portal from inside the frame). */
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && embedded && !ev.defaultPrevented) toParent({ type: "close" });
  });

  /* Accessible names: Gradio labels a message with its raw markup ("bot's message: <div class=…"). */
  function nameMessages(root) {
    root.querySelectorAll('[data-testid="bot"], [data-testid="user"]').forEach(function (el) {
      var card = el.querySelector(".qa-card");
      var data = card && cardData(card);
      var text = data ? data.copy : (el.querySelector(".message-content") || el).innerText.trim();
      var name = (el.getAttribute("data-testid") === "user" ? "你的问题：" : "助手的回答：") + text;
      if (el.getAttribute("aria-label") !== name) el.setAttribute("aria-label", name);
    });
  }

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.parentElement && node.parentElement.closest(".qa-card, textarea")) continue;
      var text = zh(node.nodeValue);
      if (text !== node.nodeValue) node.nodeValue = text;
    }
    root.querySelectorAll("[aria-label], [title], [placeholder]").forEach(function (el) {
      if (el.closest(".qa-card")) return;
      TRANSLATED_ATTRS.forEach(function (a) {
        var v = el.getAttribute(a);
        var text = v && zh(v);
        if (text && text !== v) el.setAttribute(a, text);
      });
    });
  }

  var lastCard = null;
  var seen = new WeakSet();
  document.querySelectorAll(".qa-card").forEach(function (c) { seen.add(c); });

  /* "ready" and "close" carry nothing and may go to any embedding page; answers only to an allow-listed one. */
  function toParent(message) {
    var empty = message.type === "ready" || message.type === "close";
    if (window.parent === window || !(parentOrigin || (embedded && empty))) return;
    message.source = "report-qa";
    window.parent.postMessage(message, parentOrigin || "*");
  }

  /* The nearest ancestor that scrolls by itself (the chat's message list), or null. */
  function scroller(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var style = getComputedStyle(p).overflowY;
      if ((style === "auto" || style === "scroll") && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }

  /* The question just asked at the top of the chat, its answer below it: only the chat's own list scrolls, so
     the page's title and the question stay in view (scrollIntoView would scroll the whole page on a phone). */
  function showNewAnswer(card) {
    var row = card.closest(".message-row") || card.closest(".message") || card;
    var asked = row.previousElementSibling || row;
    var list = scroller(row);
    if (!list) return;
    var top = asked.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop;
    list.scrollTop = Math.max(0, top - 4);
  }

  function onNewCard(card) {
    showNewAnswer(card);
    var data = cardData(card);
    if (data) toParent({ type: "answer", answer: data.answer });
  }

  var readySent = false;
  var focused = false;
  function update() {
    var app = document.querySelector("gradio-app") || document.body;
    if (!app) return;
    translate(app);
    nameMessages(app);
    // Gradio marks the example questions' box as a list of buttons (no list items): a group is what it is
    app.querySelectorAll('#qa-chat .examples[role="list"]').forEach(function (el) {
      el.setAttribute("role", "group");
      el.setAttribute("aria-label", "示例问题");
    });
    if (!focused && window.parent === window) {  // the page's own focus; a framed chat never takes it
      var box = app.querySelector("#qa-input textarea");
      if (box) { focused = true; if (document.activeElement === document.body) box.focus(); }
    }
    var cards = app.querySelectorAll(".qa-card");
    var last = cards[cards.length - 1];
    if (last && last !== lastCard && !seen.has(last)) onNewCard(last);
    cards.forEach(function (c) { seen.add(c); });
    lastCard = last || null;
    if (!readySent && document.querySelector("[data-qa-ready]")) {  // set once Gradio has wired the page (app.py)
      readySent = true;
      toParent({ type: "ready" });
    }
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; update(); });
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true,
                                         attributes: true, attributeFilter: TRANSLATED_ATTRS.concat(["data-qa-ready"]) });

  /* The portal (through embed.js) may ask on the user's behalf. */
  function ask(question) {
    var box = document.querySelector("#qa-input textarea");
    var send = document.querySelector("#qa-send");
    if (!box || !send || typeof question !== "string" || !question.trim()) return;
    var setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(box, question);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(function () { send.click(); }, 0);
  }
  window.addEventListener("message", function (ev) {  // asking is what any page could do with /?q= anyway
    if (ev.source !== window.parent || window.parent === window || !ev.data || ev.data.type !== "ask") return;
    ask(ev.data.question);
  });
})();

// The web chat at /: talks to the REST channel (POST webhooks/rest/webhook), keeps its
// session (sender id and the visible history) in localStorage so that a reload continues
// the same conversation, shows buttons (a click sends the button's payload) and renders
// links and images, Rasa's `image` and `attachment` (a link) too.
//
// Safety: the assistant's text is never parsed as HTML. Every piece of it becomes a text
// node, an <a> or an <img> built with the DOM API, and only http(s) URLs become links or
// images (no javascript:, data: ...). The page's Content-Security-Policy (set by the
// server) allows scripts from this origin only, as a second line of defence.
(() => {
  "use strict";

  const STRINGS = {
    en: {
      title: "Assistant", placeholder: "Type a message", send: "Send", restart: "New conversation",
      typing: "The assistant is typing…", unreachable: "The assistant could not be reached. Please try again.",
      tooMany: "Too many messages: please wait a moment.", busy: "Still working on your last message…",
    },
    zh: {
      title: "智能客服", placeholder: "请输入您的问题", send: "发送", restart: "新对话",
      typing: "客服正在输入……", unreachable: "暂时无法连接客服，请稍后重试。",
      tooMany: "消息太频繁了，请稍等片刻。", busy: "正在处理您的上一条消息……",
    },
  };
  const HISTORY_LIMIT = 200;  // messages kept in localStorage per conversation
  const IMAGE_PATH = /\.(png|jpe?g|gif|webp|svg)$/i;
  // A URL ends before whitespace, quotes, angle brackets and full-width punctuation, and
  // does not keep a trailing sentence mark.
  const URL_PATTERN = /https?:\/\/[^\s<>"'，。！？；：、）】」』]+/g;
  const TRAILING = /[.,;:!?)\]]+$/;

  const root = document.documentElement;
  const t = STRINGS[(root.lang || "en").toLowerCase().startsWith("zh") ? "zh" : "en"];
  const storageKey = "dialogframe.webchat." + (root.dataset.assistant || "assistant");
  const endpoint = new URL("webhooks/rest/webhook", document.baseURI).href;
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const send = document.getElementById("send");
  const status = document.getElementById("status");
  let session = load();
  let pending = false;

  function newSender() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);  // randomUUID needs a secure context; this does not
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.history)) return saved;
    } catch (err) { /* a corrupt entry: start over */ }
    return { sender: newSender(), history: [] };
  }

  function save() {
    session.history = session.history.slice(-HISTORY_LIMIT);
    try { localStorage.setItem(storageKey, JSON.stringify(session)); } catch (err) { /* private mode, quota */ }
  }

  function safeUrl(text) {
    try {
      const url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (err) { return null; }
  }

  // Rasa's attachment: a URL, or an object with `url` or `payload.src` / `payload.url`.
  function attachmentUrl(attachment) {
    if (typeof attachment === "string") return attachment;
    if (!attachment || typeof attachment !== "object") return null;
    const payload = attachment.payload && typeof attachment.payload === "object" ? attachment.payload : {};
    for (const url of [attachment.url, payload.src, payload.url]) if (typeof url === "string" && url) return url;
    return null;
  }

  function imageElement(url, alt) {
    const img = document.createElement("img");
    img.src = url.href;
    img.alt = alt || "";
    img.loading = "lazy";
    img.referrerPolicy = "no-referrer";
    return img;
  }

  // Text -> text nodes, links and images; nothing is ever parsed as markup.
  function renderText(container, text) {
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const raw = match[0].replace(TRAILING, "");
      const url = safeUrl(raw);
      if (!url) continue;
      container.append(document.createTextNode(text.slice(last, match.index)));
      const link = document.createElement("a");
      link.href = url.href;
      link.textContent = raw;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      container.append(link);
      if (IMAGE_PATH.test(url.pathname)) container.append(imageElement(url, raw));
      last = match.index + raw.length;
    }
    container.append(document.createTextNode(text.slice(last)));
  }

  function addMessage(entry, live) {
    const item = document.createElement("li");
    item.className = "msg " + entry.from;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (entry.from === "user" || entry.from === "note") bubble.textContent = entry.text;
    else renderText(bubble, entry.text || "");
    const image = entry.image ? safeUrl(entry.image) : null;  // Rasa's {"image": url}
    if (image) bubble.append(imageElement(image, ""));
    const attachment = entry.attachment ? safeUrl(entry.attachment) : null;  // a file: a link to it
    if (attachment) {
      const link = document.createElement("a");
      link.href = attachment.href;
      link.textContent = decodeURIComponent(attachment.pathname.split("/").pop() || "") || attachment.href;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      link.className = "attachment";
      if (entry.text) bubble.append(document.createElement("br"));
      bubble.append(link);
    }
    item.append(bubble);
    if (Array.isArray(entry.buttons) && entry.buttons.length) {
      const choices = document.createElement("div");
      choices.className = "choices";
      for (const button of entry.buttons) {
        const choice = document.createElement("button");
        choice.type = "button";
        choice.className = "choice";
        choice.textContent = String(button.title ?? button.payload ?? "");
        choice.disabled = !live;
        choice.addEventListener("click", () => say(String(button.title ?? button.payload), String(button.payload ?? button.title)));
        choices.append(choice);
      }
      item.append(choices);
    }
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  function disableOldChoices() {
    for (const choice of log.querySelectorAll("button.choice")) choice.disabled = true;
  }

  function showStatus(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function note(text) {  // shown, not kept: an error is about this moment only
    addMessage({ from: "note", text }, false);
  }

  // `shown` is what the conversation displays for the user (a button's title), `text` what
  // is sent (its payload).
  async function say(shown, text) {
    if (pending) { showStatus(t.busy); return; }
    pending = true;
    send.disabled = true;
    disableOldChoices();
    const mine = { from: "user", text: shown };
    session.history.push(mine);
    save();
    addMessage(mine, false);
    showStatus(t.typing);
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: session.sender, message: text }),
      });
      if (!response.ok) throw new Error(response.status === 429 ? t.tooMany : t.unreachable);
      const replies = await response.json();
      showStatus("");
      for (const reply of Array.isArray(replies) ? replies : []) {
        const entry = { from: "bot", text: String(reply.text ?? "") };
        if (Array.isArray(reply.buttons)) entry.buttons = reply.buttons;
        if (typeof reply.image === "string") entry.image = reply.image;
        const attachment = attachmentUrl(reply.attachment);
        if (attachment) entry.attachment = attachment;
        // `custom` JSON is for other platforms' widgets: this page has nothing to show for it.
        if (!entry.text && !entry.image && !entry.attachment && !entry.buttons) continue;
        session.history.push(entry);
        addMessage(entry, true);
      }
      save();
    } catch (err) {
      showStatus("");
      note(err instanceof TypeError ? t.unreachable : err.message);
    } finally {
      pending = false;
      send.disabled = false;
      input.focus();
    }
  }

  function restart() {
    session = { sender: newSender(), history: [] };
    save();
    log.replaceChildren();
    showStatus("");
    input.focus();
  }

  document.getElementById("title").textContent = t.title;
  document.title = t.title;
  input.placeholder = t.placeholder;
  input.setAttribute("aria-label", t.placeholder);
  send.textContent = t.send;
  document.getElementById("restart").textContent = t.restart;
  session.history.forEach((entry) => addMessage(entry, false));
  // After a reload, the buttons of the last answer (its trailing replies) are live again.
  for (let i = session.history.length - 1; i >= 0 && session.history[i].from === "bot"; i--) {
    log.children[i].querySelectorAll("button.choice").forEach((c) => { c.disabled = false; });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    say(text, text);
  });
  document.getElementById("restart").addEventListener("click", restart);
  input.focus();
})();

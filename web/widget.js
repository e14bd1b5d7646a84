/*
 * Chat widget for the practice's website. Embed with one script tag:
 *
 *   <script>
 *     window.TherapyChatConfig = {
 *       serverUrl: "https://bot.example.org",   // the Rasa server (socket.io channel)
 *       title: "Questions about therapy",
 *       primaryColor: "#1f5f4a",                // must keep 4.5:1 contrast with white
 *       aboutUrl: "https://bot.example.org/widget/about.html"  // optional: the default is about.html beside this script
 *     };
 *   </script>
 *   <script src="https://bot.example.org/widget/widget.js" defer></script>
 *
 * Bot text is always inserted as text, never as HTML. The conversation lasts
 * for the browser tab (sessionStorage): a reload keeps it, closing the tab
 * forgets it, which suits a shared family computer.
 */
(function () {
  "use strict";

  var config = Object.assign(
    {
      serverUrl: window.location.origin,
      title: "Questions about therapy",
      primaryColor: "#1f5f4a",
      greeting: "hello",
      // Shown when the server cannot be reached: a person in crisis must
      // still see where to get help. Replaced by the practice region's crisis
      // line from crisis-line.json beside this script (make install writes it).
      offlineText:
        "Sorry, the chat can't be reached right now. If you're in crisis, call your local emergency number, or find a free helpline at findahelpline.com.",
    },
    window.TherapyChatConfig || {}
  );
  var SESSION_KEY = "therapy-chat-session";
  var HISTORY_KEY = "therapy-chat-history";
  var scriptBase = (document.currentScript && document.currentScript.src) || "";
  var vendorUrl = scriptBase.replace(/[^/]*$/, "") + "vendor/socket.io.min.js";
  // The public "About this assistant" page (make install writes it beside this script).
  var aboutUrl = config.aboutUrl || scriptBase.replace(/[^/]*$/, "") + "about.html";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) node.textContent = text; // text, never HTML
    return node;
  }

  function loadHistory() {
    try {
      return JSON.parse(sessionStorage.getItem(HISTORY_KEY)) || [];
    } catch (e) {
      return [];
    }
  }

  var history = loadHistory();
  function remember(entry) {
    history.push(entry);
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history.slice(-200)));
  }

  // --- DOM -----------------------------------------------------------------
  var root = el("div", { class: "tc-root" });
  root.style.setProperty("--tc-primary", config.primaryColor);
  var launcher = el("button", {
    class: "tc-launcher",
    type: "button",
    "aria-expanded": "false",
    "aria-controls": "tc-panel",
  }, "Chat: " + config.title);
  var panel = el("section", { id: "tc-panel", class: "tc-panel", role: "dialog", "aria-label": config.title, hidden: "" });
  var header = el("div", { class: "tc-header" });
  header.appendChild(el("h2", { class: "tc-title" }, config.title));
  var close = el("button", { class: "tc-close", type: "button", "aria-label": "Close chat" }, "×");
  header.appendChild(close);
  var note = el("p", { class: "tc-note" },
    "Automated assistant, not a therapist. In an emergency, call your local emergency number.");
  // The practice region's crisis line and emergency number (988 and 911 in
  // the US, Samaritans and 999 in the UK...), from the bot's own data.
  var pageSetOffline = window.TherapyChatConfig && window.TherapyChatConfig.offlineText;
  if (window.fetch) {
    fetch(scriptBase.replace(/[^/]*$/, "") + "crisis-line.json")
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (texts) {
        if (!texts) return;
        if (texts.header) note.textContent = texts.header;
        if (texts.offline && !pageSetOffline) {
          // Already showing the neutral notice? Show the region's instead.
          if (!status.hidden && status.textContent === config.offlineText) status.textContent = texts.offline;
          config.offlineText = texts.offline;
        }
      })
      .catch(function () { /* the neutral texts stay */ });
  }
  var log = el("div", { class: "tc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("p", { class: "tc-typing", "aria-live": "polite", hidden: "" }, "The assistant is typing…");
  var status = el("p", { class: "tc-status", role: "alert", hidden: "" });
  var form = el("form", { class: "tc-form" });
  var label = el("label", { for: "tc-input", class: "tc-visually-hidden" }, "Your message");
  var input = el("input", { id: "tc-input", class: "tc-input", type: "text", autocomplete: "off", maxlength: "2000", placeholder: "Type your question…" });
  var send = el("button", { class: "tc-send", type: "submit" }, "Send");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  // What the assistant is, how it handles a crisis and what it keeps: one link away.
  var about = el("p", { class: "tc-about" });
  about.appendChild(el("a", { href: aboutUrl, class: "tc-about-link" }, "About this assistant"));
  [header, note, about, log, typing, status, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);
  root.appendChild(launcher);

  // --- Rendering -------------------------------------------------------------
  function renderText(who, text) {
    log.appendChild(el("p", { class: "tc-msg tc-" + who }, text));
  }

  function renderButtons(buttons) {
    var group = el("div", { class: "tc-buttons", role: "group", "aria-label": "Suggested questions" });
    buttons.forEach(function (b) {
      var button = el("button", { type: "button", class: "tc-choice" }, b.title);
      button.addEventListener("click", function () { sendMessage(b.payload, b.title); });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  function renderLinks(links, kind) {
    var list = el("ul", { class: "tc-links tc-" + kind });
    links.forEach(function (link) {
      // Only safe schemes become links; anything else is shown as text.
      var item = el("li");
      if (/^(tel:|sms:|mailto:|https:)/.test(link.href)) {
        item.appendChild(el("a", { href: link.href, class: "tc-link", rel: "noopener", target: link.href.indexOf("https:") === 0 ? "_blank" : "_self" }, link.label));
      } else {
        item.textContent = link.label;
      }
      list.appendChild(item);
    });
    log.appendChild(list);
  }

  function render(entry) {
    if (entry.type === "user") renderText("user", entry.text);
    else if (entry.type === "bot") renderText("bot", entry.text);
    else if (entry.type === "buttons") renderButtons(entry.buttons);
    else if (entry.type === "links") renderLinks(entry.links, entry.kind);
    log.scrollTop = log.scrollHeight;
  }

  function add(entry) {
    remember(entry);
    render(entry);
  }

  // --- Connection -------------------------------------------------------------
  var socket = null;
  var sessionId = sessionStorage.getItem(SESSION_KEY);
  var ready = false; // connected and the session confirmed
  var outbox = []; // messages typed before that: sent once ready, never dropped
  var waiting = 0;

  function setWaiting(on) {
    waiting = on ? waiting + 1 : 0;
    typing.hidden = !waiting;
  }

  function showStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function handleBotMessage(data) {
    setWaiting(false);
    if (!data) return;
    if (data.text) add({ type: "bot", text: data.text });
    var buttons = data.quick_replies || data.buttons;
    if (buttons && buttons.length) add({ type: "buttons", buttons: buttons });
    if (data.crisis_links) add({ type: "links", kind: "crisis", links: data.crisis_links });
    if (data.practice_contact) add({ type: "links", kind: "contact", links: data.practice_contact.links });
  }

  function connect() {
    socket = window.io(config.serverUrl, { transports: ["websocket", "polling"], reconnectionAttempts: 5 });
    socket.on("connect", function () {
      showStatus("");
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      var isNew = !sessionId;
      sessionId = typeof id === "string" ? id : id && id.session_id;
      sessionStorage.setItem(SESSION_KEY, sessionId);
      ready = true;
      if (isNew && !history.length && !outbox.length && config.greeting) sendMessage(config.greeting, null);
      outbox.splice(0).forEach(emit);
    });
    socket.on("bot_uttered", handleBotMessage);
    socket.on("connect_error", function () {
      setWaiting(false);
      showStatus(config.offlineText);
    });
    socket.on("disconnect", function () {
      ready = false;
      showStatus(config.offlineText);
    });
  }

  function emit(text) {
    setWaiting(true);
    socket.emit("user_uttered", { message: text, session_id: sessionId });
  }

  function sendMessage(text, shownAs) {
    if (!text || !text.trim()) return;
    if (shownAs !== null) add({ type: "user", text: shownAs || text });
    if (ready && socket.connected) emit(text);
    else outbox.push(text); // sent as soon as the connection is ready
  }

  // --- Behaviour ----------------------------------------------------------------
  function open(isOpen) {
    panel.hidden = !isOpen;
    launcher.setAttribute("aria-expanded", String(isOpen));
    sessionStorage.setItem("therapy-chat-open", isOpen ? "1" : "");
    if (isOpen) {
      if (!socket) connect();
      input.focus();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { open(panel.hidden); });
  close.addEventListener("click", function () { open(false); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") open(false);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    sendMessage(text);
  });

  function start() {
    document.body.appendChild(root);
    history.forEach(render);
    if (sessionStorage.getItem("therapy-chat-open")) open(true);
  }

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = scriptBase.replace(/[^/]*$/, "") + "widget.css";
  document.head.appendChild(style);

  var script = document.createElement("script");
  script.src = vendorUrl;
  script.onload = function () { if (document.body) start(); else document.addEventListener("DOMContentLoaded", start); };
  script.onerror = function () { start(); showStatus(config.offlineText); };
  document.head.appendChild(script);
})();

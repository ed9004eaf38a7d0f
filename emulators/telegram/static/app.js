// Web chat for the local Telegram emulator: plain JS, no build step, no external assets.
// The page long-polls /ui/chat/<user>?since=<seq>; the server answers as soon as anything
// changes, and messages are re-rendered only when their revision changed. When the emulator
// restarts (the bot restarted), polls fail and are retried with backoff; the first answer from
// the new instance starts the page over, so nobody has to press reload.
"use strict";

const $ = (id) => document.getElementById(id);
const view = {
  users: [], bot: null, userId: null, seq: 0, generation: 0, initial: true, nodes: new Map(),
  instance: null, previewVersion: null,
};
const ACTIONS = {
  typing: "typing…", upload_photo: "sending a photo…", upload_video: "sending a video…",
  record_video: "recording a video…", upload_document: "sending a file…", record_voice: "recording a voice message…",
  upload_voice: "sending a voice message…", choose_sticker: "choosing a sticker…",
};

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok && data.error) toast(data.error);
  return data;
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "html") node.innerHTML = value; // only server-escaped HTML from render_html
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function safeUrl(url) {
  return /^(https?:|tg:|mailto:)/i.test(url || "") ? url : null;
}

function toast(text) {
  const node = el("div", { class: "toast", "data-testid": "toast", text });
  $("toasts").appendChild(node);
  setTimeout(() => node.remove(), 4000);
}

function alertBox(text) {
  $("modal-text").textContent = text;
  $("modal").hidden = false;
}

function renderMedia(media) {
  if (!media) return null;
  const box = el("div", { class: "media", "data-testid": "message-media", "data-kind": media.kind });
  const gif = media.mime === "image/gif" || /\.gif$/i.test(media.name || "");
  if (media.kind === "photo") box.appendChild(el("img", { src: media.url, alt: media.name || "photo" }));
  else if ((media.kind === "animation" || media.kind === "video") && gif) {
    // a GIF is an image to a browser: a <video> element would stay blank
    box.appendChild(el("img", { src: media.url, alt: media.name || "animation", "data-testid": "animation" }));
  } else if (media.kind === "video") {
    box.appendChild(el("video", { src: media.url, controls: "", preload: "metadata", playsinline: "" }));
  } else if (media.kind === "animation") {
    // muted must be a property too: the attribute alone does not allow autoplay
    const clip = el("video", { src: media.url, autoplay: "", loop: "", muted: "", playsinline: "" });
    clip.muted = true;
    box.appendChild(clip);
  } else if (media.kind === "audio" || media.kind === "voice") {
    box.appendChild(el("audio", { src: media.url, controls: "", preload: "none" }));
  }
  if (media.kind === "document" || media.kind === "audio") {
    box.appendChild(el("a", { class: "doc", href: media.url, download: media.name || "file", target: "_blank" }, [
      el("span", { class: "icon-doc", text: "⬇" }), el("span", { text: media.name || "file" }),
    ]));
  }
  return box;
}

function renderKeyboard(message) {
  if (!message.buttons.length) return null;
  const board = el("div", { class: "keyboard", "data-testid": "inline-keyboard" });
  message.buttons.forEach((row, r) => {
    const line = el("div", { class: "row" });
    row.forEach((button, c) => {
      if (button.kind === "url" && safeUrl(button.url)) {
        line.appendChild(el("a", {
          href: safeUrl(button.url), target: "_blank", rel: "noopener", "data-testid": "url-button", text: button.text,
        }));
      } else {
        line.appendChild(el("button", {
          type: "button", "data-testid": "inline-button", text: button.text,
          onclick: () => (button.kind === "pay" ? pay(message.id) : press(message.id, r, c)),
        }));
      }
    });
    board.appendChild(line);
  });
  return board;
}

function renderInvoice(message) {
  const invoice = message.invoice;
  if (!invoice) return null;
  const payButton = el("button", {
    type: "button", "data-testid": "pay-button", text: invoice.paid ? "Paid ✓" : `Pay ${invoice.amount}`,
    onclick: (event) => pay(message.id, event.target),
  });
  if (invoice.paid) payButton.disabled = true;
  return el("div", { class: "invoice", "data-testid": "invoice-card" }, [
    el("div", { class: "inv-title", text: invoice.title }),
    el("div", { class: "inv-desc", text: invoice.description }),
    el("div", { class: "inv-amount", text: invoice.amount }),
    payButton,
  ]);
}

function renderMessage(message) {
  if (message.service) {
    return el("div", { class: "service", "data-testid": "service-message", "data-message-id": message.id,
      "data-rev": message.rev, text: message.service });
  }
  const who = message.from === "bot" ? "bot" : "user";
  const time = new Date(message.date * 1000).toTimeString().slice(0, 5);
  const hasText = message.html && message.html.length > 0;
  const bubble = el("div", { class: "bubble" }, [
    renderMedia(message.media),
    hasText ? el("div", { class: "text", "data-testid": "message-text", html: message.html }) : null,
    renderInvoice(message),
    el("div", { class: "meta", text: (message.edited ? "edited · " : "") + time }),
  ]);
  bubble.querySelectorAll(".tg-spoiler").forEach((s) => s.addEventListener("click", () => s.classList.add("shown")));
  return el("div", {
    class: `msg ${who}`, "data-testid": `${who}-message`, "data-message-id": message.id, "data-rev": message.rev,
    "data-edited": message.edited ? "true" : "false",
  }, [bubble, who === "bot" ? renderKeyboard(message) : null]);
}

function renderMessages(messages) {
  const chat = $("chat");
  const nearBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 80;
  const seen = new Set();
  let previous = $("empty");
  let added = false;
  for (const message of messages) {
    seen.add(message.id);
    let node = view.nodes.get(message.id);
    if (!node || node.dataset.rev !== String(message.rev)) {
      const fresh = renderMessage(message);
      if (node) node.replaceWith(fresh);
      else added = true;
      node = fresh;
      view.nodes.set(message.id, node);
    }
    if (previous.nextSibling !== node) previous.after(node);
    previous = node;
  }
  for (const [id, node] of view.nodes) {
    if (!seen.has(id)) {
      node.remove();
      view.nodes.delete(id);
    }
  }
  $("empty").hidden = messages.length > 0;
  if (added || nearBottom || view.initial) chat.scrollTop = chat.scrollHeight;
}

function renderReplyKeyboard(rows) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  box.hidden = !rows || !rows.length;
  for (const row of rows || []) {
    box.appendChild(el("div", { class: "row" }, row.map((text) =>
      el("button", { type: "button", "data-testid": "reply-button", text, onclick: () => sendText(text) }))));
  }
}

function renderCommands(commands) {
  $("menu-button").hidden = !commands.length;
  const list = $("commands");
  list.replaceChildren(...commands.map((c) => el("button", {
    type: "button", "data-testid": "command", onclick: () => { list.hidden = true; sendText(`/${c.command}`); },
  }, [el("b", { text: `/${c.command}` }), el("span", { text: c.description })])));
}

function renderPreview(preview) {
  // what the project tells its editors: flows that do not load or lint, and reloads
  const banner = $("preview-banner");
  const problems = (preview && preview.problems) || [];
  banner.hidden = problems.length === 0;
  banner.replaceChildren(
    el("b", { text: "The flows on disk have errors — the chat still runs the last good version:" }),
    ...problems.map((p) => el("div", { class: "problem", "data-testid": "preview-problem" }, [
      el("code", { text: p.where }), el("span", { text: ` ${p.code} ${p.message}` }),
    ])),
  );
  $("graph-button").hidden = !(preview && preview.graph);
  if (preview && view.previewVersion !== null && preview.version !== view.previewVersion && !problems.length) {
    toast("Flows reloaded");
  }
  if (preview) view.previewVersion = preview.version;
}

function render(state) {
  if (view.instance !== null && state.instance !== view.instance) {
    // a new emulator (the bot restarted): start over, as if the page had just been opened
    for (const node of view.nodes.values()) node.remove();
    view.nodes.clear();
    view.initial = true;
    view.previewVersion = null;
  }
  view.instance = state.instance;
  renderPreview(state.preview);
  renderMessages(state.messages);
  renderReplyKeyboard(state.reply_keyboard);
  renderCommands(state.commands);
  const status = $("status");
  status.textContent = state.typing ? ACTIONS[state.typing] || "…" : state.blocked ? "blocked" : "bot";
  status.classList.toggle("typing", Boolean(state.typing));
  if (!view.initial) {
    for (const answer of state.toasts) {
      if (answer.url) toast(`Open: ${answer.url}`);
      if (answer.text) (answer.alert ? alertBox : toast)(answer.text);
    }
  }
  view.seq = state.seq;
  view.initial = false;
}

async function poll(generation) {
  let backoff = 250;
  while (generation === view.generation) {
    try {
      const wait = view.initial ? 0 : 25;
      const instance = view.instance ? `&instance=${view.instance}` : "";
      const response = await fetch(`/ui/chat/${view.userId}?since=${view.seq}&timeout=${wait}${instance}`);
      if (generation !== view.generation) return;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      render(await response.json());
      document.body.classList.remove("offline");
      backoff = 250;
    } catch (error) {
      $("status").textContent = "offline — reconnecting…";
      document.body.classList.add("offline");
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 4000);
    }
  }
}

function switchUser(userId) {
  view.userId = userId;
  view.seq = 0;
  view.initial = true;
  view.generation += 1;
  for (const node of view.nodes.values()) node.remove();
  view.nodes.clear();
  $("user-picker").value = String(userId);
  history.replaceState(null, "", `#user=${userId}`);
  poll(view.generation);
}

async function sendText(text) {
  if (!text.trim()) return;
  await postJson(`/ui/chat/${view.userId}/text`, { text });
}

async function press(messageId, row, col) {
  await postJson(`/ui/chat/${view.userId}/press`, { message_id: messageId, row, col });
}

async function pay(messageId, button) {
  if (button) { button.disabled = true; button.textContent = "Paying…"; }
  const result = await postJson(`/ui/chat/${view.userId}/pay`, { message_id: messageId });
  if (!result.ok) {
    toast(`Payment failed: ${result.error_message || "unknown error"}`);
    if (button) { button.disabled = false; button.textContent = "Pay"; }
  }
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  if ($("as-document").checked) form.append("as_document", "1");
  const response = await fetch(`/ui/chat/${view.userId}/upload`, { method: "POST", body: form });
  if (!response.ok) toast("Upload failed");
  $("text").value = "";
}

async function loadConfig() {
  for (let backoff = 250; ; backoff = Math.min(backoff * 2, 4000)) {
    try {
      const response = await fetch("/ui/config");
      if (response.ok) return await response.json();
    } catch (error) { /* the bot is starting: try again */ }
    await new Promise((resolve) => setTimeout(resolve, backoff));
  }
}

async function init() {
  const config = await loadConfig();
  view.bot = config.bot;
  view.users = config.users;
  $("bot-name").textContent = config.bot.first_name;
  $("bot-avatar").textContent = (config.bot.first_name || "B").slice(0, 1);
  document.title = `${config.bot.first_name} — Telegram emulator`;
  const picker = $("user-picker");
  for (const user of config.users) {
    const label = `${user.is_admin ? "★ " : ""}${user.first_name} · ${user.id} · ${user.language_code || "?"}` +
      (user.is_admin ? " (admin)" : "");
    picker.appendChild(el("option", { value: user.id, text: label, "data-admin": user.is_admin ? "true" : "false" }));
  }
  picker.addEventListener("change", () => switchUser(Number(picker.value)));
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value;
    $("text").value = "";
    sendText(text);
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("file-input").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) upload(file);
    event.target.value = "";
  });
  $("menu-button").addEventListener("click", () => { $("commands").hidden = !$("commands").hidden; });
  $("modal-ok").addEventListener("click", () => { $("modal").hidden = true; });
  $("graph-button").addEventListener("click", () => {
    const panel = $("graph-panel");
    panel.hidden = !panel.hidden;
    if (!panel.hidden) $("graph-frame").src = `/ui/graph?v=${view.previewVersion}`;
  });
  $("graph-close").addEventListener("click", () => { $("graph-panel").hidden = true; });
  const fromHash = Number((location.hash.match(/user=(-?\d+)/) || [])[1]);
  const known = config.users.some((u) => u.id === fromHash);
  switchUser(known ? fromHash : config.users[0].id);
}

init();

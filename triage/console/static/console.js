// The responder console's progressive enhancement: live updates, SLA timers, keys.
// Every page works without it (forms post, links navigate); this only saves reloads.
"use strict";
(() => {
  const body = document.body;
  const queue = document.getElementById("queue");
  const inquiry = document.getElementById("inquiry");
  const overview = document.getElementById("overview");
  const live = document.getElementById("live");

  // ---- live updates: one EventSource, resumed by Last-Event-ID after any drop ----
  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 150);  // a burst of events is one fetch
  }
  async function refresh() {
    try {
      if (queue) {
        const response = await fetch(queue.dataset.body, { headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const selected = selectedRow()?.dataset.id;
        queue.innerHTML = await response.text();
        updateCounts();
        if (selected) select(queue.querySelector(`tr.row[data-id="${selected}"]`));
        tick();
      } else if (overview) {
        const response = await fetch(location.pathname, { headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        document.getElementById("overview").replaceWith(fresh.getElementById("overview"));
      } else if (inquiry) {
        const response = await fetch(location.pathname, { headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        // Only what others change; a reply being typed is never replaced.
        for (const id of ["summary", "thread", "history"]) {
          const now = fresh.getElementById(id);
          const old = document.getElementById(id);
          if (now && old) old.replaceWith(now);
        }
        tick();
      }
    } catch (error) { /* the next event or reconnect tries again */ }
  }
  function updateCounts() {
    const template = document.getElementById("counts");
    if (!template) return;
    for (const fresh of template.content.querySelectorAll("[data-count]")) {
      const tab = document.querySelector(`.tabs [data-count="${fresh.dataset.count}"]`);
      if (tab) tab.textContent = fresh.textContent;
    }
  }
  function setLive(on) {
    if (!live) return;
    live.hidden = false;
    live.textContent = on ? body.dataset.liveOn : body.dataset.liveOff;
    live.classList.toggle("off", !on);
  }
  const page = queue || inquiry || overview;
  if (page && window.EventSource) {
    const source = new EventSource(`/console/events?after=${page.dataset.after || ""}`);
    let dropped = false;
    source.addEventListener("open", () => {
      setLive(true);
      if (dropped) refreshSoon();  // the replay covers it; a refresh costs little
      dropped = false;
    });
    source.addEventListener("error", () => { dropped = true; setLive(false); });
    source.addEventListener("reload", refreshSoon);
    source.addEventListener("inquiry", (message) => {
      const event = JSON.parse(message.data);
      if (queue || overview) {
        refreshSoon();
        if (event.kind === "routed" && event.route === "urgent") chime();
      } else if (event.inquiry_id === inquiry.dataset.id
                 || event.incident_id === inquiry.dataset.id
                 || event.inquiry_id === inquiry.dataset.incident) {
        refreshSoon();
      }
    });
  }

  // ---- optional sound for new urgent items (off unless the responder turns it on) ----
  const sound = document.getElementById("sound");
  if (sound) {
    sound.checked = localStorage.getItem("console-sound") === "on";
    sound.addEventListener("change", () => localStorage.setItem("console-sound", sound.checked ? "on" : "off"));
  }
  let audio = null;
  function chime() {
    if (!sound || !sound.checked) return;
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  }

  // ---- waiting times and SLA, ticking every second ----
  function format(seconds) {
    const sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(Math.floor(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return `${sign}${h ? h + ":" : ""}${mm}:${String(s).padStart(2, "0")}`;
  }
  function tick() {
    const now = Date.now();
    for (const timer of document.querySelectorAll(".timer[data-received]")) {
      const waited = (now - Date.parse(timer.dataset.received)) / 1000;
      timer.textContent = format(waited);
      const sla = Number(timer.dataset.sla);
      if (sla && !timer.dataset.held) {
        timer.closest("tr")?.classList.toggle("breached", waited > sla);
      }
    }
  }
  setInterval(tick, 1000);

  // ---- keyboard: ? help, j/k move, Enter open, n next, c claim, r reply, e resolve ----
  const help = document.getElementById("help");
  function selectedRow() { return document.querySelector("tr.row.selected"); }
  function select(row) {
    if (!row) return;
    selectedRow()?.classList.remove("selected");
    row.classList.add("selected");
    row.focus();
  }
  function move(step) {
    const rows = [...document.querySelectorAll("tr.row")];
    if (!rows.length) return;
    const index = rows.indexOf(selectedRow());
    select(rows[Math.min(rows.length - 1, Math.max(0, index + step))] || rows[0]);
  }
  function toggleHelp(show) {
    help.hidden = !show;
    if (show) help.querySelector("button").focus();
  }
  document.querySelector("[data-open-help]")?.addEventListener("click", () => toggleHelp(true));
  help?.querySelector("[data-close-help]").addEventListener("click", () => toggleHelp(false));
  for (const button of document.querySelectorAll("[data-fill-reply]")) {
    button.addEventListener("click", () => {
      const reply = document.getElementById("reply-text");
      reply.value = button.dataset.fillReply;
      reply.focus();
    });
  }
  document.querySelector("[data-print]")?.addEventListener("click", () => window.print());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { toggleHelp(false); return; }
    const typing = event.target.closest("input, textarea, select");
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.target.closest("form")?.requestSubmit();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const click = (id) => { const el = document.getElementById(id); if (el) { event.preventDefault(); el.click(); } };
    const focus = (id) => { const el = document.getElementById(id); if (el) { event.preventDefault(); el.focus(); } };
    switch (event.key) {
      case "?": event.preventDefault(); toggleHelp(help.hidden); break;
      case "j": event.preventDefault(); move(1); break;
      case "k": event.preventDefault(); move(-1); break;
      case "Enter": {
        const row = selectedRow();
        if (row && document.activeElement === row) { event.preventDefault(); location.href = row.querySelector("a.open").href; }
        break;
      }
      case "n": click("next"); break;
      case "c": click("claim"); break;
      case "r": focus("reply-text"); break;
      case "e": focus("outcome"); break;
    }
  });
  tick();
})();

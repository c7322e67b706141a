// The console map: open inquiries by priority (clustered), shelters by status. Tiles
// are optional: with none (offline, or no tile URL) the points and labels still show.
"use strict";
(() => {
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const colours = { P1: "#b00020", P2: "#c25400", P3: "#1d5fa8", P4: "#555555" };
  const map = L.map(element, { preferCanvas: true }).setView([36.5, 137.5], 6);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: element.dataset.attribution ? `<a href="https://maps.gsi.go.jp/development/ichiran.html">${element.dataset.attribution}</a>` : "",
    }).addTo(map);
  }
  // A cluster takes the colour of its most urgent inquiry and says how many are P1.
  const rank = { P1: 1, P2: 2, P3: 3, P4: 4 };
  const inquiries = L.markerClusterGroup({
    maxClusterRadius: 50,
    iconCreateFunction(cluster) {
      const children = cluster.getAllChildMarkers();
      const worst = children.reduce((w, m) => (rank[m.options.priority] || 9) < (rank[w] || 9) ? m.options.priority : w, null);
      const p1 = children.filter((m) => m.options.priority === "P1").length;
      const html = `<span style="background:${colours[worst] || "#6b4fa0"}">${children.length}${p1 ? ` · P1 ${p1}` : ""}</span>`;
      return L.divIcon({ html, className: "cluster", iconSize: L.point(54, 28) });
    },
  });
  const shelters = L.layerGroup();
  map.addLayer(inquiries);
  map.addLayer(shelters);
  L.control.layers(null, { "問い合わせ / inquiries": inquiries, "避難所 / shelters": shelters }).addTo(map);
  let fitted = false;

  async function load() {
    const response = await fetch("/console/map.json", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    inquiries.clearLayers();
    shelters.clearLayers();
    for (const point of data.inquiries) {
      const marker = L.circleMarker([point.lat, point.lon], {
        radius: point.incident ? 11 : 8, color: "#000", weight: point.claimed_by ? 3 : 1,
        priority: point.priority,
        fillColor: colours[point.priority] || "#6b4fa0", fillOpacity: 0.9,
      });
      const label = `${point.priority || "?"} ${point.category || ""} · ${point.place || ""}`;
      marker.bindTooltip(label);
      const link = document.createElement("a");
      link.href = `/console/inquiries/${point.id}`;
      link.textContent = `${label}${point.claimed_by ? " · " + point.claimed_by : ""}`;
      marker.bindPopup(link);
      inquiries.addLayer(marker);
    }
    for (const shelter of data.shelters) {
      const colour = shelter.state === "open" ? "#1b6e20" : shelter.state === "closed" ? "#b00020" : "#888";
      const square = L.circleMarker([shelter.lat, shelter.lon], { radius: 4, color: colour, fillColor: colour, fillOpacity: 1 });
      square.bindTooltip(`${shelter.name} (${shelter.state || "?"})`);
      shelters.addLayer(square);
    }
    const all = data.inquiries.map((p) => [p.lat, p.lon]);
    if (!fitted && all.length) {
      map.fitBounds(all, { maxZoom: 14, padding: [30, 30] });
      fitted = true;
    }
  }
  load();
  // The same live feed as the queue: reload the points a moment after anything changes.
  if (window.EventSource) {
    let timer = null;
    const live = document.getElementById("live");
    const setLive = (on) => {
      if (!live) return;
      live.hidden = false;
      live.textContent = on ? document.body.dataset.liveOn : document.body.dataset.liveOff;
      live.classList.toggle("off", !on);
    };
    const reload = () => { clearTimeout(timer); timer = setTimeout(load, 500); };
    const source = new EventSource(`/console/events?after=${element.dataset.after || ""}`);
    let dropped = false;
    source.addEventListener("open", () => { setLive(true); if (dropped) reload(); dropped = false; });
    source.addEventListener("error", () => { dropped = true; setLive(false); });
    source.addEventListener("inquiry", reload);
    source.addEventListener("reload", reload);
  }
})();

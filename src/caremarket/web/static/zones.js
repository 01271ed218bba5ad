// The zones page: a zone design from /api/v1/zones shaded by hours, another's outlines over it.
(function () {
  "use strict";
  // Colours come from the server (caremarket.domain.palette), never written here.
  const mapNode = document.getElementById("map");
  const palette = JSON.parse(mapNode.dataset.palette || "{}");
  const SHADES = palette.area_ramp || [];
  const INK = getComputedStyle(document.documentElement).getPropertyValue("--text").trim() || "black";
  const designSelect = document.getElementById("design");
  const compareSelect = document.getElementById("compare");
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: true });
  mapNode.setAttribute("aria-roledescription", "map");
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Postcode positions: ONS Postcode Directory (OGL v3.0)");
  const loaded = {};
  let designLayer = null;
  let compareLayer = null;
  let fitted = false;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
    }
    return node;
  }

  const number = (v, digits) =>
    v === null || v === undefined ? "-" : Number(v).toLocaleString("en-GB", { maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0 });

  async function design(name) {
    if (!loaded[name]) {
      const response = await fetch("/api/v1/zones/" + encodeURIComponent(name), { credentials: "same-origin" });
      if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
      loaded[name] = await response.json();
    }
    return loaded[name];
  }

  const hours = (p) => (p.hours_per_week || 0) + (p.waiting_hours_per_week || 0);
  // Zones are balanced in workload, so the map shades what differs: hours waiting for care.
  const waiting = (p) => p.waiting_hours_per_week || 0;
  const travel = (p) => (hours(p) ? (60 * (p.travel_hours_per_week || 0)) / hours(p) : 0);

  function breaks(values) {
    const sorted = values.slice().sort((a, b) => a - b);
    if (!sorted.length) return [];
    const cuts = [1, 2, 3, 4].map((i) => sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / 5))]);
    return cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]).filter((c) => c < sorted[sorted.length - 1]);
  }
  const shade = (value, bounds) => SHADES[Math.min(bounds.filter((b) => value > b).length, SHADES.length - 1)];

  function showZone(p) {
    document.getElementById("details-hint").hidden = true;
    const body = document.getElementById("details-body");
    body.replaceChildren(
      el("h3", {}, "Zone " + p.zone),
      el("ul", { class: "details-list" },
        el("li", {}, el("span", {}, "Hours a week now"), el("strong", {}, number(p.hours_per_week))),
        el("li", {}, el("span", {}, "Hours a week waiting"), el("strong", {}, number(p.waiting_hours_per_week))),
        el("li", {}, el("span", {}, "People"), el("strong", {}, number(p.people))),
        el("li", {}, el("span", {}, "Travel, hours a week"), el("strong", {}, number(p.travel_hours_per_week))),
        el("li", {}, el("span", {}, "Travel minutes an hour of care"), el("strong", {}, number(travel(p), 1))),
        el("li", {}, el("span", {}, "Workload against the mean"), el("strong", {}, (p.workload_vs_mean_pct > 0 ? "+" : "") + number(p.workload_vs_mean_pct, 1) + "%")),
      ),
      el("p", { class: "note" }, "Postcode sectors: " + (p.blocks || []).join(", ")),
    );
  }

  function legend(bounds, values, compared) {
    const node = document.getElementById("legend");
    const items = el("ul", {});
    let low = Math.min(...values);
    bounds.concat([Math.max(...values)]).forEach((high, i) => {
      items.append(el("li", {}, el("span", { class: "swatch", style: "background:" + SHADES[Math.min(i, SHADES.length - 1)] }), " " + number(low) + " to " + number(high)));
      low = high;
    });
    const parts = [el("div", {}, el("strong", {}, "Hours a week of care waited for"), items)];
    if (compared) parts.push(el("div", {}, el("strong", {}, "Compared design"), el("ul", {}, el("li", {}, "dashed outlines: " + compared))));
    node.replaceChildren(...parts);
  }

  function totals(doc) {
    const props = doc.features.map((f) => f.properties);
    const workloads = props.map((p) => p.workload_hours_per_week || 0);
    return {
      zones: props.length,
      gap: doc.properties && doc.properties.max_deviation_pct,
      min: Math.min(...workloads),
      max: Math.max(...workloads),
      travel: props.reduce((s, p) => s + (p.travel_hours_per_week || 0), 0),
    };
  }

  async function draw() {
    mapNode.dataset.loading = "true";
    try { await drawDesigns(); } finally { mapNode.dataset.loading = "false"; }
  }

  async function drawDesigns() {
    const empty = document.getElementById("map-empty");
    empty.hidden = true;
    let doc, other = null;
    try {
      doc = await design(designSelect.value);
      if (compareSelect.value && compareSelect.value !== designSelect.value) other = await design(compareSelect.value);
    } catch (error) {
      empty.textContent = "The design could not be read: " + error.message;
      empty.hidden = false;
      return;
    }
    const values = doc.features.map((f) => waiting(f.properties));
    const bounds = breaks(values);
    if (designLayer) designLayer.remove();
    if (compareLayer) compareLayer.remove();
    designLayer = L.geoJSON(doc, {
      style: (f) => ({ fillColor: shade(waiting(f.properties), bounds), fillOpacity: 0.85, color: "#ffffff", weight: 1.5 }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip("Zone " + f.properties.zone, { permanent: true, direction: "center" });
        layer.on("click", () => showZone(f.properties));
      },
    }).addTo(map);
    if (other) {
      compareLayer = L.geoJSON(other, { style: () => ({ fill: false, color: INK, weight: 2, dashArray: "6 4" }), interactive: false }).addTo(map);
    }
    if (!fitted) { map.fitBounds(designLayer.getBounds(), { padding: [10, 10] }); fitted = true; }
    legend(bounds, values, other ? compareSelect.selectedOptions[0].textContent : null);
    const rows = doc.features.map((f) => f.properties).sort((a, b) => a.zone - b.zone).map((p) => {
      const button = el("button", { type: "button", class: "linkish" }, "Zone " + p.zone);
      button.addEventListener("click", () => showZone(p));
      return el("tr", {}, el("th", { scope: "row" }, button), el("td", {}, (p.blocks || []).length), el("td", {}, number(p.hours_per_week)),
        el("td", {}, number(p.waiting_hours_per_week)), el("td", {}, number(p.people)), el("td", {}, number(p.travel_hours_per_week)),
        el("td", {}, (p.workload_vs_mean_pct > 0 ? "+" : "") + number(p.workload_vs_mean_pct, 1) + "%"));
    });
    document.querySelector("#zones-table tbody").replaceChildren(...rows);
    document.getElementById("zones-caption").textContent = "Zones of " + designSelect.selectedOptions[0].textContent;
    const side = [[designSelect.selectedOptions[0].textContent, doc]];
    if (other) side.push([compareSelect.selectedOptions[0].textContent, other]);
    document.querySelector("#compare-table tbody").replaceChildren(...side.map(([label, d]) => {
      const t = totals(d);
      return el("tr", {}, el("th", { scope: "row" }, label), el("td", {}, t.zones), el("td", {}, number(t.gap, 1) + "%"),
        el("td", {}, number(t.min)), el("td", {}, number(t.max)), el("td", {}, number(t.travel)));
    }));
  }

  designSelect.addEventListener("change", draw);
  compareSelect.addEventListener("change", draw);
  draw();
})();

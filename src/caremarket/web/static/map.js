// The map page: area choropleth and location points from /api/v1/map, with filters.
(function () {
  "use strict";
  const RATING_COLOURS = {
    outstanding: "#00703c", good: "#1d70b8", requires_improvement: "#b58800",
    inadequate: "#d4351c", not_rated: "#6f777b",
  };
  const SHADES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  const form = document.getElementById("filters");
  const slider = document.getElementById("release");
  const dates = JSON.parse(slider.dataset.dates || "[]");
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS (OGL v3.0), contains OS data © Crown copyright");
  let areaLayer = null;
  let pointLayer = null;
  let fitted = false;
  let latest = 0; // responses to an older request than the latest are dropped

  function params(extra) {
    const data = new FormData(form);
    const query = new URLSearchParams();
    const asOf = dates[Number(slider.value)];
    for (const [key, value] of data.entries()) {
      if (value && key !== "release") query.set(key, value);
    }
    if (asOf) query.set("as_of", asOf);
    for (const [key, value] of Object.entries(extra || {})) {
      if (value === null) query.delete(key); else query.set(key, value);
    }
    return query;
  }

  function format(value, unit) {
    if (value === null || value === undefined) return "-";
    if (unit === "percent") return value.toFixed(1) + "%";
    if (unit === "months" || unit === "days") return value.toFixed(1) + " " + unit;
    return Number.isInteger(value) ? value.toLocaleString("en-GB") : value.toLocaleString("en-GB", { maximumFractionDigits: 1 });
  }

  function breaks(values) {
    const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
    if (!sorted.length) return [];
    return [1, 2, 3, 4].map((i) => sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / 5))]);
  }

  function shade(value, cuts) {
    if (value === null || value === undefined) return "#ffffff";
    let i = 0;
    while (i < cuts.length && value > cuts[i]) i += 1;
    return SHADES[i];
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
    return response.json();
  }

  // Every text from the API goes in through textContent or setAttribute: never innerHTML.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
    }
    return node;
  }

  function tooltip(text) {
    return el("span", {}, text);
  }

  function showArea(code, name) {
    const query = params({ metric: null, level: null, rating: null, locality: null });
    getJSON(`/api/v1/areas/${encodeURIComponent(code)}?${query}`).then((data) => {
      const body = document.getElementById("details-body");
      document.getElementById("details-hint").textContent = "";
      const items = data.figures.map((f) =>
        el("li", {}, el("span", {}, f.label),
          el("strong", { "data-metric": f.metric }, f.suppressed ? "*" : format(f.value, f.unit))));
      body.replaceChildren(
        el("h3", { id: "area-name" }, name),
        el("p", {}, `As at ${data.as_of}`),
        el("ul", { class: "details-list" }, ...items));
    }).catch((error) => { document.getElementById("details-body").textContent = error.message; });
  }

  function showLocation(p) {
    const body = document.getElementById("details-body");
    document.getElementById("details-hint").textContent = "";
    const rating = (p.rating || "not_rated").replace(/_/g, " ");
    const row = (label, value) => el("li", {}, el("span", {}, label), el("span", {}, value));
    body.replaceChildren(
      el("h3", {}, p.name || p.location_id),
      el("ul", { class: "details-list" },
        row("Provider", p.provider_name || "-"), row("Rating", rating),
        row("Beds", p.beds ?? "-"), row("District", p.district_name || "-")),
      el("p", {}, el("a", { href: `/locations/${encodeURIComponent(p.location_id)}` }, "Location profile")));
  }

  function drawAreas(collection) {
    const unit = collection.metadata.metric.unit;
    const values = collection.features.map((f) => f.properties.value);
    const cuts = breaks(values);
    if (areaLayer) areaLayer.remove();
    areaLayer = L.geoJSON(collection, {
      style: (f) => ({ color: "#0b0c0c", weight: 1.2, fillOpacity: 0.75, fillColor: shade(f.properties.value, cuts) }),
      onEachFeature: (f, layer) => {
        const text = `${f.properties.area_name}: ${f.properties.suppressed ? "hidden (small number)" : format(f.properties.value, unit)}`;
        layer.bindTooltip(tooltip(text));
        layer.on("click", () => showArea(f.properties.area_code, f.properties.area_name));
      },
    }).addTo(map);
    if (pointLayer) pointLayer.bringToFront();
    if (!fitted && collection.features.length) { map.fitBounds(areaLayer.getBounds()); fitted = true; }
    const legend = document.getElementById("legend");
    const label = collection.metadata.metric.label;
    const swatch = (style) => { const node = el("span", { class: "swatch" }); Object.assign(node.style, style); return node; };
    const dot = (style) => { const node = swatch(style); node.classList.add("dot"); return node; };
    const steps = SHADES.map((colour, i) => {
      const low = i === 0 ? "" : format(cuts[i - 1], unit);
      const high = i < cuts.length ? format(cuts[i], unit) : "";
      const text = i === 0 ? "up to " + high : i === SHADES.length - 1 ? "over " + low : low + " to " + high;
      return el("span", {}, swatch({ background: colour }), text);
    });
    const dots = Object.entries(RATING_COLOURS).map(([k, c]) => el("span", {}, dot({ background: c }), k.replace(/_/g, " ")));
    const yours = document.getElementById("map").dataset.provider
      ? [el("span", {}, dot({ border: "3px solid #4c2c92" }), "your locations")] : [];
    legend.replaceChildren(el("strong", {}, label), " ", ...(cuts.length ? steps : []), " ",
      el("strong", {}, "Locations"), " ", ...dots, ...yours);
    const tbody = document.querySelector("#areas-table tbody");
    document.getElementById("areas-caption").textContent = `${label} (${unit}), as at ${collection.metadata.as_of}`;
    tbody.replaceChildren(...collection.features.map((f) => el("tr", {},
      el("th", { scope: "row" }, f.properties.area_name),
      el("td", {}, f.properties.suppressed ? "*" : format(f.properties.value, unit)),
      el("td", {}, el("button", {
        type: "button", class: "linkish", "data-code": f.properties.area_code, "data-name": f.properties.area_name,
      }, "Show figures")))));
  }

  function drawPoints(collection) {
    if (pointLayer) pointLayer.remove();
    const own = document.getElementById("map").dataset.provider;
    pointLayer = L.geoJSON(collection, {
      pointToLayer: (f, latlng) => {
        const mine = own && f.properties.provider_id === own;
        return L.circleMarker(latlng, {
          radius: mine ? 8 : 5, weight: mine ? 3 : 1, color: mine ? "#4c2c92" : "#0b0c0c",
          fillOpacity: 0.9, fillColor: RATING_COLOURS[f.properties.rating || "not_rated"],
          className: mine ? "own-location" : "",
        });
      },
      onEachFeature: (f, layer) => {
        layer.bindTooltip(tooltip(f.properties.name || f.properties.location_id));
        layer.on("click", () => showLocation(f.properties));
      },
    }).addTo(map);
    document.getElementById("map").dataset.locations = String(collection.features.length);
    const named = collection.features.map((f) => f.properties)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    document.getElementById("locations-summary").textContent =
      `List the ${named.length} locations shown`;
    document.getElementById("locations-list").replaceChildren(...named.map((p) => el("li", {},
      el("a", { href: `/locations/${encodeURIComponent(p.location_id)}` }, p.name || p.location_id),
      ` ${(p.rating || "not_rated").replace(/_/g, " ")}, ${p.district_name || ""}`)));
  }

  function refresh() {
    const asOf = dates[Number(slider.value)] || "";
    document.getElementById("release-label").textContent = asOf;
    slider.setAttribute("aria-valuetext", asOf);
    const areaQuery = params({ rating: null, locality: null });
    const pointQuery = params({ metric: null, level: null });
    const mine = ++latest;
    document.getElementById("map").dataset.loading = "true";
    Promise.all([
      getJSON(`/api/v1/map/areas?${areaQuery}`),
      getJSON(`/api/v1/map/locations?${pointQuery}`),
    ]).then(([areas, points]) => {
      if (mine !== latest) return;
      drawAreas(areas);
      drawPoints(points);
    }).catch((error) => {
      if (mine === latest) document.getElementById("legend").textContent = error.message;
    }).finally(() => {
      if (mine === latest) document.getElementById("map").dataset.loading = "false";
    });
  }

  document.querySelector("#areas-table tbody").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-code]");
    if (button) showArea(button.dataset.code, button.dataset.name);
  });
  form.addEventListener("change", refresh);
  slider.addEventListener("input", () => {
    document.getElementById("release-label").textContent = dates[Number(slider.value)] || "";
  });
  refresh();
})();

/* Mogi exam page behaviour: countdown, keyboard, and saves that survive a bad network.
   No inline script anywhere: this file is loaded with `defer` under a strict CSP. */
(function () {
  "use strict";

  var offsetMs = 0;          // server clock minus this browser's clock
  var deadlineAt = null;     // browser-clock ms at which time runs out
  var autoSubmitting = false;
  var pending = {};          // answer URL -> {params, seq}; only the newest state per question
  var retryTimer = null;
  var retryDelay = 1000;

  function t(key) {
    var el = document.getElementById("js-strings");
    return (el && el.dataset[key]) || key;
  }

  function serverNow() { return Date.now() + offsetMs; }

  function syncClock(xhr) {
    if (!xhr || !xhr.getResponseHeader) return;
    var now = xhr.getResponseHeader("X-Mogi-Now");
    if (now) offsetMs = parseInt(now, 10) - Date.now();
    var left = xhr.getResponseHeader("X-Mogi-Seconds-Left");
    if (left !== null && left !== "") setSecondsLeft(parseInt(left, 10));
  }

  function setSecondsLeft(seconds) {
    if (isNaN(seconds)) return;
    deadlineAt = Date.now() + seconds * 1000;
    tick();
  }

  function fmt(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(sec).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer || deadlineAt === null) return;
    var left = Math.max(0, Math.ceil((deadlineAt - Date.now()) / 1000));
    var clock = timer.querySelector(".clock");
    if (clock) clock.textContent = fmt(left);
    timer.classList.toggle("low", left <= 300);
    // seconds-left is rounded down by the server, so wait a moment past zero: the submit then
    // lands after the real deadline (well inside the grace period) and counts as time up.
    if (Date.now() - deadlineAt >= 2000) autoSubmit();
  }

  function autoSubmit() {
    if (autoSubmitting) return;
    autoSubmitting = true;
    var form = document.getElementById("auto-submit");
    if (!form) return;
    // Let saves still in flight or queued land first; the server accepts them during the grace period.
    flushPending();
    setTimeout(function send() {
      htmx.ajax("POST", form.getAttribute("action"), { source: form, swap: "none" }).catch(function () {
        setTimeout(send, 3000);
      });
    }, Object.keys(pending).length ? 1500 : 200);
  }

  function statusEl() { return document.getElementById("save-status"); }

  function showStatus(cls, text) {
    var el = statusEl();
    if (!el) return;
    el.className = "save-status " + cls;
    el.textContent = text;
  }

  function markCellPending(url) {
    var m = url.match(/\/q\/(\d+)\/answer\/$/);
    if (!m) return;
    var cell = document.getElementById("cell-" + m[1]);
    if (cell) cell.classList.add("pending");
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function formParams(form) {
    var params = new URLSearchParams();
    form.querySelectorAll("input[name=choice]:checked").forEach(function (i) { params.append("choice", i.value); });
    return params;
  }

  function queueRetry(url, params, seq) {
    var old = pending[url];
    if (old && old.seq > seq) return;
    pending[url] = { params: params, seq: seq };
    markCellPending(url);
    showStatus("pending", t("notSaved"));
    scheduleRetry();
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flushPending();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  function flushPending() {
    Object.keys(pending).forEach(function (url) {
      var entry = pending[url];
      var body = new URLSearchParams(entry.params);
      body.set("seq", String(entry.seq));
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
      }).then(function (resp) {
        if (resp.status >= 500) throw new Error("server " + resp.status);
        var left = resp.headers.get("X-Mogi-Seconds-Left");
        var now = resp.headers.get("X-Mogi-Now");
        if (now) offsetMs = parseInt(now, 10) - Date.now();
        if (left !== null) setSecondsLeft(parseInt(left, 10));
        return resp.text().then(function (html) {
          if (pending[url] === entry) delete pending[url];
          var form = document.getElementById("answer-form");
          var here = form && form.getAttribute("hx-post") === url;
          htmx.swap(here ? "#save-status" : document.body, html, { swapStyle: here ? "outerHTML" : "none" });
          retryDelay = 1000;
        });
      }).catch(function () { scheduleRetry(); });
    });
  }

  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "answer-form") {
      e.detail.parameters["seq"] = String(Math.round(serverNow()));
    }
  });

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "answer-form") showStatus("saving", t("saving"));
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    syncClock(e.detail.xhr);
    var elt = e.detail.elt;
    if (!elt || elt.id !== "answer-form") return;
    var xhr = e.detail.xhr;
    var failed = !xhr || xhr.status === 0 || xhr.status >= 500;
    if (failed) {
      var seq = parseInt(e.detail.requestConfig.parameters["seq"] || "0", 10) || Math.round(serverNow());
      queueRetry(elt.getAttribute("hx-post"), formParams(elt), seq);
    } else if (xhr.status === 409) {
      var timer = document.getElementById("timer");
      if (timer) setTimeout(function () { window.location.href = timer.dataset.resultsUrl; }, 2500);
    }
  });

  document.addEventListener("htmx:sendError", function (e) {
    // htmx:afterRequest also fires for a send error; nothing more to do here but keep the page calm.
    e.preventDefault && e.preventDefault();
  });

  window.addEventListener("online", function () { retryDelay = 1000; flushPending(); });

  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(pending).length) { e.preventDefault(); e.returnValue = ""; }
  });

  // A multiple-response question never sends more choices than it allows.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("#answer-form input")) return;
    var form = input.form;
    // A click right after the question was swapped in can come before htmx has wired the
    // new form up; processing it here (a no-op when already done) makes sure it is saved.
    htmx.process(form);
    if (input.type !== "checkbox") return;
    var max = parseInt(form.dataset.choose || "1", 10);
    if (input.checked && form.querySelectorAll("input[type=checkbox]:checked").length > max) {
      input.checked = false;
      e.stopImmediatePropagation();
      showStatus("error", t("tooMany").replace("%n", max));
    }
  }, true);

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "textarea" || (tag === "input" && !/radio|checkbox/.test(e.target.type)) || tag === "select") return;
    var form = document.getElementById("answer-form");
    if (!form) return;
    var key = e.key.toUpperCase();
    // F is the flag key, so the sixth option is chosen with 6.
    var idx = "123456".indexOf(key);
    if (idx < 0) idx = "ABCDE".indexOf(key);
    if (idx >= 0 && key.length === 1) {
      var label = form.querySelectorAll("label.choice")[idx];
      if (label) { label.querySelector("input").click(); e.preventDefault(); }
      return;
    }
    var target = null;
    if (key === "N") target = document.querySelector(".q-nav a[rel=next]");
    else if (key === "P") target = document.querySelector(".q-nav a[rel=prev]");
    else if (key === "F") target = document.querySelector("#flag-form button");
    if (target) { target.click(); e.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("timer");
    if (timer && timer.dataset.secondsLeft !== "" && timer.dataset.secondsLeft !== "None") {
      setSecondsLeft(parseInt(timer.dataset.secondsLeft, 10));
      setInterval(tick, 500);
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "question-panel") window.scrollTo(0, 0);
  });
})();

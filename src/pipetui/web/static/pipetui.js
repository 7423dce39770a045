// pipetui serve: the page's own script (the Content-Security-Policy allows no
// inline script). It points textual.js at this server's websocket, ws: or wss:
// as the page itself was loaded, and wires the "Reload" button.
document.addEventListener("DOMContentLoaded", function () {
  var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  document.querySelectorAll(".textual-terminal").forEach(function (element) {
    element.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";
  });
  document.querySelectorAll("button.reload").forEach(function (button) {
    button.addEventListener("click", function () {
      window.location.replace("/");
    });
  });
});

// Prefix suggestions for the search boxes. The search works without this:
// it only fills a datalist the browser offers under the box as one types.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(boxes, function (box, i) {
    var list = document.createElement("datalist");
    list.id = "suggest-" + i;
    box.parentNode.appendChild(list);
    box.setAttribute("list", list.id);
    var timer = null, last = "";
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = box.value.split(/\s+/);
        var word = words[words.length - 1];
        if (word.length < 2 || word === last) { return; }
        last = word;
        fetch(box.getAttribute("data-suggest") + "?q=" + encodeURIComponent(word))
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            var head = words.slice(0, -1).join(" ");
            list.textContent = "";
            found.forEach(function (w) {
              var o = document.createElement("option");
              o.value = head ? head + " " + w : w;
              list.appendChild(o);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();

// The order form's conditional fields: a field marked data-show-field / data-show-equals
// is shown only while the field it names has that answer. Without JavaScript every field
// shows, and the server ignores answers to fields whose condition is not met.
(function () {
  "use strict";
  function valueOf(form, name) {
    var input = form.elements.namedItem(name);
    return input ? input.value : "";
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-field]").forEach(function (box) {
      var shown = valueOf(form, box.dataset.showField) === box.dataset.showEquals;
      box.hidden = !shown;
      box.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.disabled = !shown;
      });
    });
  }
  document.querySelectorAll("form[data-order-form]").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();

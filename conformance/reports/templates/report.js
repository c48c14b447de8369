(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=verdict]'));
  function selected() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }
  function apply() {
    var on = selected(), shown = 0, total = 0;
    document.querySelectorAll('tr[data-verdict]').forEach(function (row) {
      row.hidden = on.indexOf(row.dataset.verdict) < 0;
      total += 1; if (!row.hidden) { shown += 1; }
    });
    document.querySelectorAll('[data-group]').forEach(function (group) {
      group.hidden = !group.querySelector('tr[data-verdict]:not([hidden])');
    });
    document.querySelectorAll('article.cx').forEach(function (cx) {
      cx.hidden = !cx.dataset.verdicts.split(' ').some(function (v) { return on.indexOf(v) >= 0; });
    });
    var counter = document.getElementById('shown');
    if (counter) { counter.textContent = shown + ' of ' + total + ' clauses shown'; }
    document.documentElement.setAttribute('data-filter', on.join(','));
  }
  function parameter(name) {
    var found = new RegExp('(?:^#|&)' + name + '=([^&]*)').exec(location.hash);
    return found ? decodeURIComponent(found[1]) : null;
  }
  function fromAddress() {
    var verdicts = parameter('verdict');
    if (verdicts !== null) {
      var wanted = verdicts.split(',');
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    apply();
    var solo = parameter('solo');
    if (solo && document.getElementById(solo)) {
      document.querySelectorAll('header, nav.filters, #clauses, #counterexamples > h2, footer')
        .forEach(function (e) { e.hidden = true; });
      document.querySelectorAll('article.cx').forEach(function (cx) {
        cx.hidden = cx.id !== solo;
      });
      document.documentElement.setAttribute('data-solo', solo);
    }
  }
  function choose(verdicts) {
    boxes.forEach(function (b) { b.checked = verdicts.indexOf(b.value) >= 0; });
    apply();
    history.replaceState(null, '', '#verdict=' + selected().join(','));
  }
  boxes.forEach(function (b) {
    b.addEventListener('change', function () { choose(selected()); });
  });
  document.querySelectorAll('button[data-verdicts]').forEach(function (button) {
    button.addEventListener('click', function () { choose(button.dataset.verdicts.split(',')); });
  });
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
})();

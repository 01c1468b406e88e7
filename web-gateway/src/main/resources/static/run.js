// Run page: cascading pickers and the module's parameter form, built from the JSON data block.
// DOM is built with createElement/textContent only; nothing from the data is ever parsed as HTML.
(function () {
  'use strict';
  var dataElement = document.getElementById('data');
  if (!dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var funSelect = document.getElementById('fun-categ');
  var appSelect = document.getElementById('app-categ');
  var serverSelect = document.getElementById('servers');
  var moduleSelect = document.getElementById('module');
  var formsFallback = document.getElementById('module-forms');
  var formTarget = document.getElementById('module-form');
  var values = (data.selected && data.selected.values) || {};

  // the server-rendered forms are the no-JS fallback; with JS, one form for the chosen module is built instead
  if (formsFallback) { formsFallback.remove(); }

  function option(value, label, selected) {
    var element = document.createElement('option');
    element.value = String(value);
    element.textContent = label;
    element.selected = !!selected;
    return element;
  }

  function replaceOptions(select, options) {
    while (select.firstChild) { select.removeChild(select.firstChild); }
    options.forEach(function (o) { select.appendChild(o); });
  }

  function selectedServers() {
    var chosen = {};
    Array.prototype.forEach.call(serverSelect.options, function (o) { if (o.selected) { chosen[o.value] = true; } });
    return chosen;
  }

  function fillAppCategories() {
    var fun = funSelect.value;
    var keep = appSelect.value;
    var options = [option('', 'All', false)];
    data.appCategories.forEach(function (c) {
      if (fun === '' || String(c.functionCategoryId) === fun) {
        options.push(option(c.id, c.name, String(c.id) === keep));
      }
    });
    replaceOptions(appSelect, options);
  }

  function fillServers(chosen) {
    var fun = funSelect.value;
    var app = appSelect.value;
    var appsOfFun = {};
    data.appCategories.forEach(function (c) {
      if (fun === '' || String(c.functionCategoryId) === fun) { appsOfFun[String(c.id)] = true; }
    });
    var options = [];
    data.servers.forEach(function (s) {
      var appId = String(s.appCategoryId);
      if ((app === '' || appId === app) && appsOfFun[appId]) {
        options.push(option(s.lanIp, s.label, !!chosen[s.lanIp]));
      }
    });
    replaceOptions(serverSelect, options);
  }

  function paramInput(moduleId, p) {
    var label = document.createElement('label');
    label.className = 'param';
    var caption = document.createElement('span');
    caption.className = 'label';
    caption.textContent = p.label;
    if (p.mandatory) {
      var star = document.createElement('abbr');
      star.className = 'required';
      star.title = 'required';
      star.textContent = ' *';
      caption.appendChild(star);
    }
    label.appendChild(caption);
    var value = Object.prototype.hasOwnProperty.call(values, p.field) ? values[p.field] : p.defaultValue;
    var input;
    if (p.type === 'SECRET') {
      value = '';
    }
    if (p.type === 'ENUM' || p.type === 'BOOLEAN') {
      input = document.createElement('select');
      input.appendChild(option('', 'Choose…', false));
      p.choices.forEach(function (c) { input.appendChild(option(c, c, c === value)); });
    } else {
      input = document.createElement('input');
      if (p.type === 'INT') {
        input.type = 'number';
        if (p.min !== '') { input.min = p.min; }
        if (p.max !== '') { input.max = p.max; }
      } else {
        input.type = p.type === 'SECRET' ? 'password' : 'text';
        if (p.type === 'SECRET') { input.autocomplete = 'off'; }
        if (p.maxLength !== '') { input.maxLength = Number(p.maxLength); }
        if (p.pattern !== '') { input.pattern = p.pattern; }
      }
      input.value = value;
    }
    input.name = p.field;
    input.required = !!p.mandatory;
    label.appendChild(input);
    if (p.help) {
      var help = document.createElement('small');
      help.className = 'help';
      help.textContent = p.help;
      label.appendChild(help);
    }
    return label;
  }

  function showModule() {
    while (formTarget.firstChild) { formTarget.removeChild(formTarget.firstChild); }
    var id = moduleSelect.value;
    var module = data.modules.filter(function (m) { return String(m.id) === id; })[0];
    if (!module) { return; }
    var caption = document.createElement('p');
    caption.className = 'caption';
    caption.textContent = module.caption;
    if (module.shell) {
      var badge = document.createElement('span');
      badge.className = 'badge shell';
      badge.textContent = 'runs through a shell';
      caption.appendChild(document.createTextNode(' '));
      caption.appendChild(badge);
    }
    formTarget.appendChild(caption);
    module.params.forEach(function (p) { formTarget.appendChild(paramInput(module.id, p)); });
    if (module.params.length === 0) {
      var none = document.createElement('p');
      none.className = 'help';
      none.textContent = 'This module takes no parameters.';
      formTarget.appendChild(none);
    }
  }

  funSelect.addEventListener('change', function () {
    var chosen = selectedServers();
    fillAppCategories();
    fillServers(chosen);
  });
  appSelect.addEventListener('change', function () { fillServers(selectedServers()); });
  moduleSelect.addEventListener('change', function () { values = {}; showModule(); });

  var initiallyChosen = {};
  ((data.selected && data.selected.targets) || []).forEach(function (ip) { initiallyChosen[ip] = true; });
  fillAppCategories();
  fillServers(initiallyChosen);
  showModule();
}());

/*
 * Draws every div.chart of the page from its data-chart JSON (dev.scaling.driver.report.chart.Chart)
 * with ECharts, which is inlined before this script. Log axes are drawn as value axes over log10 of
 * the data with ticks of our own choosing (decades, else 1-2-5 steps, else plain steps), so an axis
 * spanning less than a decade still has labelled ticks. Series of one name share a colour and a
 * legend entry (a group's points, its fitted line, its error bars and its band); clicking an entry
 * isolates it, clicking it again shows all. Each chart saves as PNG, SVG (server-side rendering of
 * the same option) and CSV. window.scalingCharts lists the drawn charts for tests and the console.
 */
(function () {
  'use strict';
  var PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f3c8d',
    '#3969ac', '#a5aa99', '#11a579', '#e73f74', '#80ba5a', '#444444', '#f2b701'];
  var HEIGHT = 440;
  var BAND_SHIFT_AXIS = 1;

  function num(v) {
    return typeof v === 'number' ? v : v == null ? NaN : Number(v);
  }

  function fmt(v) {
    if (!isFinite(v)) {
      return '';
    }
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
      var s = v.toExponential(2).replace('e+', 'e');
      return s.replace(/\.?0+e/, 'e');
    }
    return String(Number(v.toPrecision(4)));
  }

  function tickText(v) {
    var e = Math.log10(Math.abs(v));
    if (Math.abs(e - Math.round(e)) < 1e-9 && Math.abs(Math.round(e)) >= 3) {
      return (v < 0 ? '-' : '') + '1e' + Math.round(e);
    }
    return fmt(v);
  }

  function niceStep(span, count) {
    var raw = span / count;
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / p;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
  }

  /** The values in data space of one axis: points, error-bar ends and band edges. */
  function values(model, dim) {
    var out = [];
    model.series.forEach(function (s) {
      s.points.forEach(function (p) {
        out.push(dim === 'x' ? p.x : p.y);
        var e = num(p.err);
        if (dim === 'y' && isFinite(e)) {
          out.push(p.y - e, p.y + e);
        }
      });
    });
    model.bands.forEach(function (b) {
      if (dim === 'x') {
        out = out.concat(b.x);
      } else {
        out = out.concat(b.lo, b.hi);
      }
    });
    return out.filter(function (v) {
      return isFinite(v);
    });
  }

  /**
   * How one axis maps: for a log axis, to log10 with tick values in data space; for a linear axis,
   * nice bounds and ECharts' own ticks.
   */
  function plan(axis, vals) {
    var log = axis.scale === 'LOG';
    if (log) {
      vals = vals.filter(function (v) {
        return v > 0;
      });
    }
    var t = log ? function (v) { return Math.log10(v); } : function (v) { return v; };
    var lo = Infinity;
    var hi = -Infinity;
    vals.forEach(function (v) {
      lo = Math.min(lo, t(v));
      hi = Math.max(hi, t(v));
    });
    if (!isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-12) {
      var d = log ? 0.05 : Math.abs(lo) * 0.05 || 1;
      lo -= d;
      hi += d;
    }
    if (!log) {
      var step = niceStep(hi - lo, 5);
      return {log: false, min: Math.floor(lo / step - 1e-9) * step,
        max: Math.ceil(hi / step + 1e-9) * step, interval: step, t: t, ticks: null};
    }
    var pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
    var ticks = [];
    for (var k = Math.ceil(lo); k <= Math.floor(hi); k++) {
      ticks.push(Math.pow(10, k));
    }
    if (ticks.length > 8) {
      var every = Math.ceil(ticks.length / 8);
      ticks = ticks.filter(function (v, i) {
        return i % every === 0;
      });
    } else if (ticks.length < 3) {
      ticks = [];
      [1, 2, 5].forEach(function (m) {
        for (var k = Math.floor(lo) - 1; k <= Math.ceil(hi); k++) {
          var v = m * Math.pow(10, k);
          if (Math.log10(v) >= lo && Math.log10(v) <= hi) {
            ticks.push(v);
          }
        }
      });
      if (ticks.length < 3) {
        var a = Math.pow(10, lo);
        var b = Math.pow(10, hi);
        var st = niceStep(b - a, 5);
        ticks = [];
        for (var v = Math.ceil(a / st) * st; v <= b; v += st) {
          ticks.push(Number(v.toPrecision(12)));
        }
      }
      ticks.sort(function (x, y) { return x - y; });
    }
    return {log: true, min: lo, max: hi, interval: null, t: t, ticks: ticks};
  }

  function axisOption(axis, p, dim) {
    var o = {
      type: 'value', name: axis.label, nameLocation: 'middle', nameGap: dim === 'x' ? 34 : 52,
      min: p.min, max: p.max, axisLine: {onZero: false}, nameTextStyle: {fontSize: 13}
    };
    if (p.log) {
      o.axisLabel = {show: false};
      o.axisTick = {show: false};
      o.splitLine = {show: false};
    } else {
      o.interval = p.interval;
      o.axisLabel = {formatter: function (v) { return tickText(v); }};
      o.splitLine = {lineStyle: {color: '#eee'}};
    }
    return o;
  }

  /** A series carrying a log axis's ticks as labelled grid lines (mark lines). */
  function tickSeries(p, dim, xp, yp) {
    return {
      type: 'line', name: '\u0000ticks-' + dim, data: [[xp.min, yp.min]], showSymbol: false,
      silent: true, z: 0, tooltip: {show: false}, lineStyle: {opacity: 0}, animation: false,
      markLine: {
        silent: true, symbol: ['none', 'none'], animation: false, precision: 12,
        lineStyle: {color: '#e8e8e8', type: 'solid', width: 1},
        label: {position: 'start', color: '#555', fontSize: 11, distance: 6},
        data: p.ticks.map(function (v) {
          var d = {label: {formatter: tickText(v)}};
          d[dim === 'x' ? 'xAxis' : 'yAxis'] = Math.log10(v);
          return d;
        })
      }
    };
  }

  /** The ECharts option of a chart model; forExport adds the title and drops animation. */
  function build(model, forExport) {
    var xp = plan(model.x, values(model, 'x'));
    var yp = plan(model.y, values(model, 'y'));
    var colours = {};
    var names = [];
    function colour(name) {
      if (!(name in colours)) {
        colours[name] = PALETTE[names.length % PALETTE.length];
        names.push(name);
      }
      return colours[name];
    }
    var series = [];
    var pointsOf = [];
    var drawn = 0;
    model.series.forEach(function (s, i) {
      var c = colour(s.name);
      var pts = s.style === 'POINTS' || s.style === 'POINTS_LINE';
      var data = [];
      s.points.forEach(function (p) {
        if (!yp.log || p.y > 0) {
          if (!xp.log || p.x > 0) {
            data.push([xp.t(p.x), yp.t(p.y)]);
            drawn++;
            return;
          }
        }
        data.push([NaN, NaN]);
      });
      pointsOf[series.length] = i;
      series.push({
        type: s.style === 'POINTS' ? 'scatter' : 'line', name: s.name, data: data, color: c,
        symbol: 'circle', symbolSize: pts ? 7 : 4, showSymbol: pts, z: 3,
        lineStyle: {width: s.style === 'POINTS' ? 0 : 2, type: s.style === 'DASHED' ? 'dashed' : 'solid'},
        emphasis: {scale: 1.6}, animation: !forExport && data.length < 400
      });
      var bars = [];
      s.points.forEach(function (p) {
        var e = num(p.err);
        if (isFinite(e) && e > 0) {
          var lo = yp.log ? Math.max(p.y - e, p.y / 1000) : p.y - e;
          bars.push([xp.t(p.x), yp.t(lo)], [xp.t(p.x), yp.t(p.y + e)], [xp.t(p.x), '-']);
        }
      });
      if (bars.length) {
        series.push({
          type: 'line', name: s.name, data: bars, color: c, showSymbol: false, silent: true,
          connectNulls: false, tooltip: {show: false}, lineStyle: {width: 1}, z: 2, animation: false
        });
      }
    });
    // Bands: a transparent lower edge and the width stacked on it, filled; on a hidden axis shifted
    // so every stacked value is positive (ECharts stacks same-signed values only).
    var shift = 0;
    model.bands.forEach(function (b) {
      b.lo.forEach(function (v) {
        if (!yp.log || v > 0) {
          shift = Math.max(shift, 1 - yp.t(v));
        }
      });
    });
    model.bands.forEach(function (b, k) {
      var c = colour(b.series);
      var lower = [];
      var width = [];
      for (var i = 0; i < b.x.length; i++) {
        if ((yp.log && !(b.lo[i] > 0 && b.hi[i] > 0)) || (xp.log && !(b.x[i] > 0))) {
          continue;
        }
        var x = xp.t(b.x[i]);
        // y first: ECharts stacks the first value dimension of a series on value axes.
        lower.push([yp.t(b.lo[i]) + shift, x]);
        width.push([Math.max(0, yp.t(b.hi[i]) - yp.t(b.lo[i])), x]);
      }
      var common = {type: 'line', name: b.series, stack: 'band' + k, yAxisIndex: BAND_SHIFT_AXIS,
        showSymbol: false, silent: true, tooltip: {show: false}, z: 1, animation: false, color: c,
        encode: {x: 1, y: 0}};
      series.push(Object.assign({}, common, {data: lower, lineStyle: {opacity: 0}}));
      series.push(Object.assign({}, common, {data: width, lineStyle: {opacity: 0},
        areaStyle: {color: c, opacity: 0.18}}));
    });
    if (xp.log && xp.ticks.length) {
      series.push(tickSeries(xp, 'x', xp, yp));
    }
    if (yp.log && yp.ticks.length) {
      series.push(tickSeries(yp, 'y', xp, yp));
    }
    var yAxis = axisOption(model.y, yp, 'y');
    var shifted = {type: 'value', show: false, min: yp.min + shift, max: yp.max + shift};
    var many = names.length > 12;
    var option = {
      animation: !forExport,
      backgroundColor: '#fff',
      color: PALETTE,
      grid: {left: 78, right: 24, top: forExport ? 70 : 44, bottom: 58},
      legend: {type: 'scroll', top: forExport ? 34 : 6, data: names, show: names.length > 1,
        textStyle: {fontSize: 12}},
      tooltip: {trigger: 'item', confine: true, formatter: null},
      xAxis: axisOption(model.x, xp, 'x'),
      yAxis: [yAxis, shifted],
      series: series
    };
    if (many) {
      option.legend.show = names.length <= 40;
    }
    if (forExport) {
      option.title = {text: model.title, left: 'center', top: 6, textStyle: {fontSize: 15}};
    }
    return {option: option, pointsOf: pointsOf, xp: xp, yp: yp, names: names, drawn: drawn};
  }

  function tooltip(model, built) {
    return function (p) {
      var i = built.pointsOf[p.seriesIndex];
      if (i === undefined) {
        return '';
      }
      var s = model.series[i];
      var pt = s.points[p.dataIndex];
      if (!pt) {
        return '';
      }
      var esc = function (t) {
        return String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      };
      var h = [];
      if (pt.tip) {
        h.push('<b>' + esc(pt.tip.title) + '</b>');
        pt.tip.fields.forEach(function (f) {
          h.push(esc(f.label) + ' = ' + esc(f.value));
        });
        h.push('<span style="color:#888">' + esc(s.name) + '</span>');
      } else {
        h.push('<b>' + esc(s.name) + '</b>');
        h.push(esc(model.x.label) + ' = ' + fmt(pt.x));
        var e = num(pt.err);
        h.push(esc(model.y.label) + ' = ' + fmt(pt.y) + (isFinite(e) ? ' \u00b1 ' + fmt(e) : ''));
      }
      return h.join('<br>');
    };
  }

  function slug(t) {
    return t.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
  }

  function csvCell(v) {
    var s = v == null ? '' : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /** The chart's data: one row per point (series, x, y, err, tooltip title) and per band x. */
  function csv(model) {
    var rows = [['series', 'style', model.x.label, model.y.label, 'err', 'id', 'band_lo', 'band_hi']];
    model.series.forEach(function (s) {
      s.points.forEach(function (p) {
        var e = num(p.err);
        rows.push([s.name, s.style, p.x, p.y, isFinite(e) ? e : '', p.tip ? p.tip.title : '', '', '']);
      });
    });
    model.bands.forEach(function (b) {
      for (var i = 0; i < b.x.length; i++) {
        rows.push([b.series, 'BAND', b.x[i], '', '', '', b.lo[i], b.hi[i]]);
      }
    });
    return rows.map(function (r) { return r.map(csvCell).join(','); }).join('\n') + '\n';
  }

  function download(name, type, content) {
    var a = document.createElement('a');
    a.download = name;
    a.href = typeof content === 'string' && content.indexOf('data:') === 0
      ? content : URL.createObjectURL(new Blob([content], {type: type}));
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function draw(div) {
    var model = JSON.parse(div.getAttribute('data-chart'));
    var built = build(model, false);
    built.option.tooltip.formatter = tooltip(model, built);
    var chart = echarts.init(div, null, {renderer: div.getAttribute('data-renderer') || 'canvas'});
    chart.setOption(built.option);
    var isolated = null;
    chart.on('legendselectchanged', function (e) {
      var sel = {};
      isolated = isolated === e.name ? null : e.name;
      built.names.forEach(function (n) {
        sel[n] = isolated === null || n === isolated;
      });
      chart.setOption({legend: {selected: sel}});
    });
    var entry = {
      div: div, chart: chart, model: model,
      /** Viewport pixel of point pi of model series si (scroll the div into view first). */
      pixel: function (si, pi) {
        var p = model.series[si].points[pi];
        var idx = built.pointsOf.indexOf(si);
        var px = chart.convertToPixel({seriesIndex: idx}, [built.xp.t(p.x), built.yp.t(p.y)]);
        var r = div.getBoundingClientRect();
        return [r.left + px[0], r.top + px[1]];
      },
      svg: function () {
        var ex = build(model, true);
        var w = Math.max(div.clientWidth, 600);
        var ssr = echarts.init(null, null, {renderer: 'svg', ssr: true, width: w, height: HEIGHT + 40});
        ssr.setOption(ex.option);
        var sel = chart.getOption().legend[0].selected;
        if (sel) {
          ssr.setOption({legend: {selected: sel}});
        }
        var text = ssr.renderToSVGString();
        ssr.dispose();
        return text;
      },
      png: function () {
        return chart.getDataURL({type: 'png', pixelRatio: 2, backgroundColor: '#fff'});
      },
      csv: function () {
        return csv(model);
      }
    };
    var tools = document.createElement('div');
    tools.className = 'chart-tools';
    tools.innerHTML = 'save: <a href="#" data-save="png">PNG</a> \u00b7 <a href="#" data-save="svg">'
      + 'SVG</a> \u00b7 <a href="#" data-save="csv">CSV (data)</a> \u00b7 click a legend entry to'
      + ' isolate its series';
    tools.addEventListener('click', function (e) {
      var kind = e.target.getAttribute && e.target.getAttribute('data-save');
      if (!kind) {
        return;
      }
      e.preventDefault();
      var name = slug(model.title) + '.' + kind;
      if (kind === 'png') {
        download(name, 'image/png', entry.png());
      } else if (kind === 'svg') {
        download(name, 'image/svg+xml', entry.svg());
      } else {
        download(name, 'text/csv', entry.csv());
      }
    });
    div.parentNode.insertBefore(tools, div.nextSibling);
    div.setAttribute('data-drawn', String(built.drawn));
    return entry;
  }

  function drawAll() {
    var list = window.scalingCharts = [];
    var divs = document.querySelectorAll('div.chart[data-chart]');
    for (var i = 0; i < divs.length; i++) {
      try {
        list.push(draw(divs[i]));
      } catch (e) {
        divs[i].setAttribute('data-error', String(e));
        divs[i].textContent = 'chart could not be drawn: ' + e;
      }
    }
    window.addEventListener('resize', function () {
      list.forEach(function (c) {
        c.chart.resize();
      });
    });
  }

  var style = document.createElement('style');
  style.textContent = 'div.chart{width:100%;height:' + HEIGHT + 'px;margin:0}'
    + '.chart-tools{font-size:12px;color:#666;margin:2px 0 14px 0}.chart-tools a{color:#0366d6}';
  document.head.appendChild(style);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();

// Injected by TraceRenderBenchmark into every document before the page's own scripts run
// (CDP Page.addScriptToEvaluateOnNewDocument); the web UI itself carries no measuring code. On a
// trace page it looks, once per animation frame, for the two states the benchmark times:
//   firstRow: the timeline has drawn a row (.trace-view .rows .row);
//   done:     rows are drawn and the critical path has arrived (.critical-note says so).
// A state counts from the end of the first frame that shows it: that frame's callback sees the
// state in the DOM, and a message posted from there runs once the frame's style, layout and paint
// are done. Times are milliseconds since the navigation started (performance.timeOrigin).
// window.__ariadneRender is a promise of the figures, or of {error} when the page shows one.
(() => {
  if (!location.pathname.startsWith('/trace/')) return;
  const afterPaint = (then) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => then(performance.now());
    channel.port2.postMessage(null);
  };
  const resource = (test) => {
    const entry = performance.getEntriesByType('resource').find((e) => test(e.name));
    return entry ? {start: entry.startTime, end: entry.responseEnd, bytes: entry.decodedBodySize}
        : null;
  };
  window.__ariadneRender = new Promise((resolve) => {
    let firstRow = null;
    const finish = (done) => {
      const navigation = performance.getEntriesByType('navigation')[0];
      const memory = performance.memory;
      resolve({
        firstRow, done,
        domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : null,
        trace: resource((url) => /\/api\/v1\/traces\/[^/]+$/.test(url)),
        criticalPath: resource((url) => url.endsWith('/critical-path')),
        heapUsed: memory ? memory.usedJSHeapSize : null,
        rows: document.querySelectorAll('.trace-view .rows .row').length,
      });
    };
    const check = () => {
      const error = document.querySelector('main .state.error');
      if (error) {
        resolve({error: error.textContent});
        return;
      }
      const row = document.querySelector('.trace-view .rows .row');
      const note = document.querySelector('.trace-view .critical-note');
      if (row && firstRow === null) {
        firstRow = -1;
        afterPaint((t) => firstRow = t);
      }
      if (row && note && note.textContent.startsWith('Critical path:')) {
        afterPaint((t) => {
          if (firstRow < 0) firstRow = t;
          finish(t);
        });
        return;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
})();

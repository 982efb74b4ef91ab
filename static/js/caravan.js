// Caravan's progressive enhancements; every page works without this file.
// - "n new posts": on a page with [data-poll], asks the URL in data-poll for the newest post's
//   id every 30 s and shows a button that reloads when there are newer ones.
// - Infinite scroll: a pager link a[rel=next] inside [data-more] loads the next page's items
//   into the list when it scrolls into view (the link keeps working without script).
'use strict';

(function () {
  function newPosts() {
    const list = document.querySelector('[data-poll]');
    if (!list || !window.fetch) return;
    const url = list.getAttribute('data-poll');
    const since = list.getAttribute('data-newest') || '';
    let button = null;
    async function check() {
      if (document.hidden) return;
      try {
        const r = await fetch(url + (url.includes('?') ? '&' : '?') + 'since=' + encodeURIComponent(since), {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!r.ok) return;
        const data = await r.json();
        if (!data || !data.count) return;
        if (!button) {
          button = document.createElement('button');
          button.type = 'button';
          button.className = 'new-posts';
          button.addEventListener('click', () => window.location.reload());
          list.parentNode.insertBefore(button, list);
        }
        button.textContent = data.label;
      } catch (e) {
        // Offline or the hub is restarting: try again later.
      }
    }
    window.setInterval(check, 30000);
  }

  function infiniteScroll() {
    const holder = document.querySelector('[data-more]');
    if (!holder || !('IntersectionObserver' in window)) return;
    const list = document.querySelector(holder.getAttribute('data-more'));
    if (!list) return;
    let loading = false;
    const observer = new IntersectionObserver(async (entries) => {
      if (loading || !entries.some((e) => e.isIntersecting)) return;
      const next = holder.querySelector('a[rel=next]');
      if (!next) { observer.disconnect(); return; }
      loading = true;
      try {
        const r = await fetch(next.href, { credentials: 'same-origin' });
        if (!r.ok) return;
        const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
        const more = doc.querySelector(holder.getAttribute('data-more'));
        if (more) {
          for (const child of Array.from(more.children)) list.appendChild(document.adoptNode(child));
        }
        const pager = doc.querySelector('[data-more]');
        holder.innerHTML = pager ? pager.innerHTML : '';
        window.history.replaceState(null, '', next.href);
      } catch (e) {
        // Leave the link for a click.
      } finally {
        loading = false;
      }
    }, { rootMargin: '400px' });
    observer.observe(holder);
  }

  newPosts();
  infiniteScroll();
})();

import { useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * After a client-side navigation, focus moves to the new page's heading (made focusable for
 * the purpose) and a live region names the page, as a full page load would for a screen
 * reader. The first render is a page load: nothing to do then.
 */
export function RouteFocus() {
  const location = useLocation();
  const first = useRef(true);
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // A same-page change (a search, a form that answers on the same page) keeps the focus where
    // the member is; only a new path is a new page.
    const heading = document.querySelector<HTMLElement>("main h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    setAnnouncement(document.title);
  }, [location.pathname]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement}
    </div>
  );
}

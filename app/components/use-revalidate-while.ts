import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Seconds between checks while a return from Stripe is still being confirmed. */
export const PROCESSING_REFRESH_SECONDS = 3;

/**
 * Reloads the route's data every PROCESSING_REFRESH_SECONDS while `processing` holds (with
 * JavaScript; without it the page's meta refresh does the same).
 */
export function useRevalidateWhile(processing: boolean): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!processing) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, PROCESSING_REFRESH_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [processing, revalidator]);
}

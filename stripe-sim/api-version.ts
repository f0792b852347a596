import Stripe from "stripe";

/** Events are rendered for the API version of the installed SDK, so its types describe them. */
export const API_VERSION: string = Stripe.API_VERSION;

import { Form, Link } from "@remix-run/react";
import type { User } from "../../db/schema";

interface Props {
  /** the signed-in user, or null/undefined when signed out */
  user?: Pick<User, "name" | "role"> | null;
}

export function SiteHeader({ user }: Props) {
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Talents Acting
      </Link>
      <nav aria-label="Account">
        {user ? (
          <>
            <span className="muted">{user.name}</span>
            <Link to="/talents">Talent directory</Link>
            <Link to={`/dashboard/${user.role}`}>Dashboard</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="button secondary">
                Log out
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">Log in</Link>
            <Link to="/register">Register</Link>
          </>
        )}
      </nav>
    </header>
  );
}

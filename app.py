"""The Chalice application: wiring only. Behaviour lives in ``chalicelib``."""

from typing import Any

from chalice import Chalice

from chalicelib.http import chalice_errors_as_jsonapi
from chalicelib.routes import auth, health, pages, stripe

app = Chalice(app_name="open-event-serverless")

for blueprint in (auth.bp, health.bp, pages.bp, stripe.bp):
    app.register_blueprint(blueprint)
app.register_middleware(chalice_errors_as_jsonapi, "http")


@app.lambda_function(name="migrate")
def migrate(event: dict[str, Any], context: Any) -> dict[str, str | None]:
    """One-off schema migrations: ``{"action": "upgrade" | "downgrade" | "current", "revision": "head"}``."""
    from chalicelib.migrate import handle_invocation  # Alembic stays off the HTTP cold start.

    return handle_invocation(event)

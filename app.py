"""The Chalice application: wiring only. Behaviour lives in ``chalicelib``."""

from typing import Any

from chalice import Chalice

from chalicelib.routes import auth, health, stripe

app = Chalice(app_name="open-event-serverless")

for blueprint in (auth.bp, health.bp, stripe.bp):
    app.register_blueprint(blueprint)


@app.lambda_function(name="migrate")
def migrate(event: dict[str, Any], context: Any) -> dict[str, str | None]:
    """One-off schema migrations: ``{"action": "upgrade" | "downgrade" | "current", "revision": "head"}``."""
    from chalicelib.migrate import handle_invocation  # Alembic stays off the HTTP cold start.

    return handle_invocation(event)

"""open-event-serverless: exports and organizer integrations for Open Event, on AWS Chalice."""

/**
 * Calls to the operator's own services: {@link dev.glasscast.server.webhook.OnPublishWebhook}
 * asks whether a publisher may go live, {@link dev.glasscast.server.webhook.StreamEventsWebhook}
 * tells what happened to each stream. Both go through {@link dev.glasscast.server.webhook.WebhookClient},
 * a Netty HTTP client, so no ingest thread ever waits for an endpoint.
 */
package dev.glasscast.server.webhook;

/** The id of a merchant notification's own workflow: one per event id, so Temporal sends each event once. */
export const merchantNotificationWorkflowId = (eventId: string) => `notification-${eventId}`;

/**
 * Merchant notifications from workflows. A payout delivers its own (an activity running beside its
 * late-event wait, never in the way of its outcome); a finished batch hands its one notification to a
 * MerchantNotificationWorkflow it starts and abandons, so the batch's result never waits for the merchant.
 */
import {
  log,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  WorkflowIdReusePolicy,
  CancellationScope,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { NotificationActivities } from '../../activities/notifications.js';
import type { MerchantNotification } from '../../notifications/schemas.js';
import { merchantNotificationWorkflowId } from './definitions.js';

/**
 * A day of retries, backing off to 10 minutes: a merchant's outage of several hours still gets every event.
 * Each attempt is short; the receiver answers first and works afterwards.
 */
const delivery = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Starts the delivery and returns at once; the promise settles when it is done (never rejects). */
export function deliverInBackground(notification: MerchantNotification): Promise<void> {
  // Not cancellable: a payout cancelled from the UI still tells the merchant how it ended.
  return CancellationScope.nonCancellable(() => delivery.deliverMerchantNotification(notification)).then(
    () => undefined,
    (error: unknown) =>
      log.error('merchant notification given up after a day of retries', {
        eventId: notification.id,
        error: String(error),
      }),
  );
}

/** Delivers one notification (a day of retries). Its id carries the event id, so each event is sent by one run. */
export async function MerchantNotificationWorkflow(notification: MerchantNotification): Promise<void> {
  await delivery.deliverMerchantNotification(notification);
}

/** Starts the notification's own workflow and leaves it running; an event already handed over is not sent again. */
export async function handOverNotification(notification: MerchantNotification): Promise<void> {
  try {
    await CancellationScope.nonCancellable(() =>
      startChild(MerchantNotificationWorkflow, {
        workflowId: merchantNotificationWorkflowId(notification.id),
        args: [notification],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    );
  } catch (error) {
    // The batch's own result stands whatever happens here.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      log.error('could not start the merchant notification', { eventId: notification.id, error: String(error) });
    }
  }
}

/**
 * Delivery of merchant notifications: one signed POST per attempt. The activity's retry policy (set where
 * the workflows call it, src/workflows/notification/workflow.ts) keeps trying for a day, so the receiver learns every
 * event even across an outage; it tells events apart by their id, which every retry repeats.
 */
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import got, { RequestError } from 'got';
import type { MerchantNotificationSettings } from '../config.js';
import { scrubCardNumbers } from '../domain/card.js';
import { eventIdHeader, type MerchantNotification, signatureHeader, signNotification } from '../notifications/index.js';

export const notificationFailureType = 'NotificationNotDelivered';

export interface NotificationActivityDeps {
  /** Unset: notifications are off and every delivery is a no-op. */
  settings?: MerchantNotificationSettings;
  /** Per attempt; the receiver should answer at once and do its work afterwards. */
  timeoutMs?: number;
}

export type NotificationDelivery =
  | { delivered: true; eventId: string; httpStatus: number; attempt: number }
  | { delivered: false; eventId: string; reason: string };

export function createNotificationActivities(deps: NotificationActivityDeps = {}) {
  return {
    async deliverMerchantNotification(notification: MerchantNotification): Promise<NotificationDelivery> {
      const { settings } = deps;
      if (!settings) return { delivered: false, eventId: notification.id, reason: 'notifications are off' };
      // Masked cards only, by construction; scrubbing the text once more costs nothing.
      const body = scrubCardNumbers(JSON.stringify(notification));
      const attempt = Context.current().info.attempt;
      let httpStatus: number;
      try {
        const response = await got.post(settings.url, {
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'payouts-notifications',
            [eventIdHeader]: notification.id,
            // Signed per attempt: a retry hours later still passes the receiver's timestamp check.
            [signatureHeader]: signNotification(body, settings.secret, Math.floor(Date.now() / 1000)),
          },
          throwHttpErrors: false,
          followRedirect: false,
          retry: { limit: 0 },
          timeout: { request: deps.timeoutMs ?? 10_000 },
        });
        httpStatus = response.statusCode;
      } catch (error) {
        const reason = error instanceof RequestError ? (error.code ?? error.message) : String(error);
        throw ApplicationFailure.retryable(
          `merchant notification ${notification.id} not delivered: ${reason}`,
          notificationFailureType,
        );
      }
      if (httpStatus < 200 || httpStatus >= 300) {
        throw ApplicationFailure.retryable(
          `merchant notification ${notification.id} not delivered: the receiver answered ${httpStatus}`,
          notificationFailureType,
        );
      }
      if (attempt > 1) log.info('merchant notification delivered after retries', { eventId: notification.id, attempt });
      return { delivered: true, eventId: notification.id, httpStatus, attempt };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

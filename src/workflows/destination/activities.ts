/** The card-binding activities and their one set of options, shared by DestinationWorkflow and the payout that joins it. */
import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { CardBindingActivities } from '../../activities/card-binding.js';
import { nonRetryableFailureTypes } from '../definitions.js';

/** Joining or stepping a card binding is quick; the binding itself waits in DestinationWorkflow. */
export const cardBindingOptions: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: nonRetryableFailureTypes },
};

export const cardBinding = proxyActivities<CardBindingActivities>(cardBindingOptions);

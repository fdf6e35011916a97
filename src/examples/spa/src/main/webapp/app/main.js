// Starts the page: the payout view for a signed-in user, else this application's sign-in.

import { ApiError } from './control/http.js';
import * as payouts from './control/payouts.js';
import { payoutView, signInView } from './boundary/views.js';

const who = document.getElementById('who');

async function start() {
    try {
        await payouts.whoAmI();
    } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
            who.hidden = true;
            signInView(start);
            return;
        }
        throw error;
    }
    who.hidden = false;
    await payoutView();
}

document.getElementById('sign-out').addEventListener('click', async () => {
    await payouts.signOut();
    await start();
});

start();

// The step-up prompt of <su:prompt/> (dev.stepup.guard). It remembers which command
// submitted the form, opens the dialog when the server asks for a code, and once the code is
// verified clicks that command again: the form is posted again with what the user typed.
// No inline script, nothing from the network: it works under a strict Content Security Policy.
(() => {
    'use strict';

    const commandField = (prompt) => prompt.querySelector('input[name="stepup-command"]');

    // Capture phase: record the submitter before the form leaves. The prompt's own buttons
    // never replace the command it was opened for.
    document.addEventListener('submit', (event) => {
        const prompt = event.target.querySelector('[data-stepup-prompt]');
        const command = event.submitter;
        if (prompt && command && command.id && !prompt.contains(command)) {
            commandField(prompt).value = command.id;
        }
    }, true);

    function start(prompt) {
        const dialog = prompt.querySelector('dialog');
        const code = prompt.querySelector('input[name="stepup-code"]');
        const verify = prompt.querySelector('.stepup-verify');
        const message = prompt.querySelector('.stepup-message');
        prompt.querySelector('.stepup-cancel').addEventListener('click', () => dialog.close());
        // Enter in the code field verifies; the browser would click the form's first button.
        code.addEventListener('keydown', (event) => {
            if (event.key === 'Enter') {
                event.preventDefault();
                verify.click();
            }
        });
        if (prompt.dataset.stepupPrompt === 'open') {
            dialog.showModal();
            code.focus();
        } else if (prompt.dataset.stepupPrompt === 'resubmit') {
            const command = document.getElementById(commandField(prompt).value);
            if (command && command.form === prompt.closest('form')) {
                command.click();
            } else {
                message.textContent = 'Verified. Run the action again.';
                dialog.showModal();
            }
        }
    }

    document.addEventListener('DOMContentLoaded', () => {
        document.querySelectorAll('[data-stepup-prompt]').forEach(start);
    });
})();

import { ApiError, get, post } from '../api.js';
import { field, h, message, show } from '../dom.js';
import { hasRole } from '../session.js';
import { withStepUp } from '../stepup.js';

const CONFIGURATION = '/api/step-up/configuration';

const FIELDS = [
    { key: 'validationWindow', label: 'Validation window (minutes)', hint: 'How long a step-up counts: 15 to 60.', min: 15, max: 60 },
    { key: 'completedCookieMaxAge', label: 'Completion cookie lifetime (seconds)', hint: 'How long a one-time completion stays usable: 1 to 300.', min: 1, max: 300 },
    { key: 'totpConfiguration.digits', label: 'Digits', hint: '6 to 8; applies to new registrations only.', min: 6, max: 8 },
    { key: 'totpConfiguration.timeStep', label: 'Time step (seconds)', hint: '15 to 120; applies to new registrations only.', min: 15, max: 120 },
];

export async function configurationView(view) {
    const current = await get(CONFIGURATION);
    const editable = hasRole('TenantAdmin');
    const inputs = new Map();
    const errors = new Map();
    const rows = FIELDS.map((spec) => {
        const input = h('input', { name: spec.key, type: 'number', inputmode: 'numeric', min: spec.min, max: spec.max,
            value: String(valueOf(current, spec.key)), disabled: !editable });
        inputs.set(spec.key, input);
        const row = field(id(spec.key), spec.label, input, spec.hint);
        errors.set(spec.key, row.querySelector('.field-error'));
        return row;
    });
    const hash = h('select', { name: 'totpConfiguration.hashFunction', disabled: !editable },
        ['SHA1', 'SHA256', 'SHA512'].map((name) => h('option', { value: name, selected: current.totpConfiguration.hashFunction === name }, name)));
    inputs.set('totpConfiguration.hashFunction', hash);
    const hashRow = field(id('totpConfiguration.hashFunction'), 'Hash function', hash, 'SHA1 works with every authenticator app.');
    errors.set('totpConfiguration.hashFunction', hashRow.querySelector('.field-error'));
    rows.splice(2, 0, hashRow);

    const line = h('p', { class: 'message', id: 'configuration-message', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const form = h('form', { class: 'card', id: 'configuration', novalidate: true },
        rows, line, editable ? h('div', { class: 'actions' }, save) : h('p', { class: 'muted' }, 'Only a TenantAdmin can change these.'));
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        for (const [key, node] of errors) {
            message(node, '');
            inputs.get(key).removeAttribute('aria-invalid');
        }
        message(line, '');
        save.disabled = true;
        try {
            // Sent as typed: the server checks the ranges and says which field is wrong.
            const saved = await withStepUp(() => post(CONFIGURATION, {
                validationWindow: inputs.get('validationWindow').value,
                completedCookieMaxAge: inputs.get('completedCookieMaxAge').value,
                totpConfiguration: {
                    hashFunction: hash.value,
                    digits: inputs.get('totpConfiguration.digits').value,
                    timeStep: inputs.get('totpConfiguration.timeStep').value,
                },
            }), 'Changing the configuration needs a recent code from your authenticator app.');
            message(line, saved ? 'Saved.' : 'Cancelled: nothing was changed.', saved ? 'ok' : 'info');
        } catch (error) {
            const key = error instanceof ApiError && error.errorCode === 'CFG-0001' ? error.details?.field : null;
            if (key && errors.has(key)) {
                message(errors.get(key), error.message);
                inputs.get(key).setAttribute('aria-invalid', 'true');
                inputs.get(key).focus();
            } else {
                message(line, error.message);
            }
        } finally {
            save.disabled = false;
        }
    });
    show(view, h('h1', {}, 'Step-up configuration'), form);
}

function valueOf(object, path) {
    return path.split('.').reduce((value, key) => value?.[key], object);
}

function id(key) {
    return `cfg-${key.replace('totpConfiguration.', '')}`;
}

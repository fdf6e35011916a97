// A small helper to build DOM nodes without innerHTML, so nothing the server sends can
// become markup.

export function h(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (key.startsWith('on') && typeof value === 'function') {
            node.addEventListener(key.slice(2).toLowerCase(), value);
        } else if (key === 'class') {
            node.className = value;
        } else if (key in node && typeof value !== 'string') {
            node[key] = value;
        } else {
            node.setAttribute(key, value === true ? '' : value);
        }
    }
    append(node, children);
    return node;
}

function append(node, children) {
    for (const child of children.flat(Infinity)) {
        if (child === undefined || child === null || child === false) {
            continue;
        }
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
}

/** Replaces the content of {@code node}. */
export function show(node, ...children) {
    node.replaceChildren();
    append(node, children);
}

/** A message line: kind is 'error', 'ok' or 'info'. */
export function message(node, text, kind = 'error') {
    node.textContent = text ?? '';
    node.dataset.kind = kind;
}

export function field(id, labelText, input, hint) {
    const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
    input.id = id;
    input.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
    return h('div', { class: 'field' },
        h('label', { for: id }, labelText),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
        input,
        error);
}

export function formatTime(value) {
    return value ? new Date(value).toLocaleString() : '—';
}

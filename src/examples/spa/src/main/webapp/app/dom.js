// A small helper to build DOM nodes without innerHTML, so nothing a server sends can become
// markup. The same as StepUp's webapp/app/dom.js (h and show only).

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

/** Code the server modules share; not part of Ariadne's API, and may change at any time. */
package dev.ariadne.model.internal;

/** Code the storage backends share; not part of Ariadne's API, and may change at any time. */
package dev.ariadne.storage.internal;

/**
 * Envelopes: how every message between gateway, master and agents is encrypted.
 *
 * <ul>
 * <li>{@link org.omserver.protocol.envelope.LegacyEnvelope} (v1): OMServer's RC4 + Base64 + key format,
 * byte for byte. It authenticates nothing; the master accepts it only on the legacy call, only when enabled.</li>
 * <li>{@link org.omserver.protocol.envelope.SealedEnvelope} (v2): per-message keys derived with HKDF from the shared
 * secret and a random salt, RC4 with the first 3072 keystream bytes dropped, HMAC-SHA-256 over header and
 * ciphertext (encrypt-then-MAC), a timestamp window and a replay cache.</li>
 * </ul>
 * Failures are {@link org.omserver.protocol.envelope.EnvelopeException}s with a reason and a message that is safe
 * to show to the sender: it never contains key material or plaintext.
 */
package org.omserver.protocol.envelope;

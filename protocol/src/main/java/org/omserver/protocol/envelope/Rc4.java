package org.omserver.protocol.envelope;

import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/** RC4 from Bouncy Castle, optionally discarding the first keystream bytes (RC4-drop[n]). */
final class Rc4
{
    private Rc4() {}

    static byte[] apply(byte[] key, int dropBytes, byte[] input)
    {
        RC4Engine engine = new RC4Engine();
        engine.init(true, new KeyParameter(key));
        if (dropBytes > 0) {
            byte[] discard = new byte[dropBytes];
            engine.processBytes(discard, 0, dropBytes, discard, 0);
        }
        byte[] output = new byte[input.length];
        engine.processBytes(input, 0, input.length, output, 0);
        return output;
    }
}

package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Builds key material the way libsrt's sender does (independently, with JDK primitives) and decrypts. */
class SrtCryptoTest {

    private static final byte[] SALT = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    static byte[] keyMaterial(String passphrase, int keyFlags, byte[]... keys) throws Exception {
        int keyLength = keys[0].length;
        byte[] kekSalt = Arrays.copyOfRange(SALT, 8, 16);
        byte[] kek = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1")
                .generateSecret(new PBEKeySpec(passphrase.toCharArray(), kekSalt, 2048, keyLength * 8)).getEncoded();
        Cipher wrap = Cipher.getInstance("AES/KW/NoPadding");
        wrap.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"));
        ByteBuffer plain = ByteBuffer.allocate(keyLength * keys.length);
        for (byte[] key : keys) {
            plain.put(key);
        }
        byte[] wrapped = wrap.doFinal(plain.array());
        return ByteBuffer.allocate(16 + 16 + wrapped.length)
                .put((byte) 0x12).putShort((short) 0x2029).put((byte) keyFlags)
                .putInt(0)
                .put((byte) 2).put((byte) 0).put((byte) 2).put((byte) 0)
                .putShort((short) 0).put((byte) 4).put((byte) (keyLength / 4))
                .put(SALT).put(wrapped).array();
    }

    static byte[] encrypt(byte[] key, int sequence, byte[] plain) throws Exception {
        byte[] iv = new byte[16];
        ByteBuffer.wrap(iv, 10, 4).putInt(sequence);
        for (int i = 0; i < 14; i++) {
            iv[i] ^= SALT[i];
        }
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return ctr.doFinal(plain);
    }

    @Test
    void decryptsWithEvenAndOddKeysOfEverySize() throws Exception {
        for (int length : new int[] {16, 24, 32}) {
            byte[] even = new byte[length];
            byte[] odd = new byte[length];
            Arrays.fill(even, (byte) 1);
            Arrays.fill(odd, (byte) 2);
            SrtKeyMaterialMessage km = SrtKeyMaterialMessage.parse(keyMaterial("passphrase-123", 3, even, odd));
            assertNotNull(km);
            SrtCrypto crypto = new SrtCrypto("passphrase-123");
            crypto.apply(km);
            byte[] plain = new byte[1316];
            Arrays.fill(plain, (byte) 0x47);
            byte[] payload = encrypt(odd, 0x1234567, plain);
            assertTrue(crypto.decrypt(0x1234567, 2, payload));
            assertArrayEquals(plain, payload);
            payload = encrypt(even, 5, plain);
            assertTrue(crypto.decrypt(5, 1, payload));
            assertArrayEquals(plain, payload);
        }
    }

    @Test
    void refreshReplacesOneKey() throws Exception {
        byte[] first = new byte[16];
        byte[] second = new byte[16];
        Arrays.fill(second, (byte) 9);
        SrtCrypto crypto = new SrtCrypto("passphrase-123");
        crypto.apply(SrtKeyMaterialMessage.parse(keyMaterial("passphrase-123", 1, first)));
        assertFalse(crypto.decrypt(1, 2, new byte[4]), "no odd key yet");
        crypto.apply(SrtKeyMaterialMessage.parse(keyMaterial("passphrase-123", 2, second)));
        assertEquals(1, crypto.refreshes());
        byte[] payload = encrypt(second, 1, new byte[] {1, 2, 3});
        assertTrue(crypto.decrypt(1, 2, payload));
        assertArrayEquals(new byte[] {1, 2, 3}, payload);
    }

    @Test
    void wrongPassphraseFailsTheUnwrap() throws Exception {
        SrtKeyMaterialMessage km = SrtKeyMaterialMessage.parse(keyMaterial("passphrase-123", 1, new byte[16]));
        assertThrows(SrtCrypto.BadSecretException.class, () -> new SrtCrypto("passphrase-456").apply(km));
        byte[] broken = keyMaterial("passphrase-123", 1, new byte[16]);
        broken[1] = 0;
        assertEquals(null, SrtKeyMaterialMessage.parse(broken), "bad signature");
        assertEquals(null, SrtKeyMaterialMessage.parse(Arrays.copyOf(broken, 20)));
    }
}

package com.amazonaws.services.lambda.runtime;

/** Static access to the runtime's logger. */
public final class LambdaRuntime {
    private LambdaRuntime() {}

    private static final LambdaLogger LOGGER = new LambdaLogger() {
        public void log(String message) {
            synchronized (System.out) { System.out.print(message); System.out.flush(); }
        }
        public void log(byte[] message) {
            synchronized (System.out) { System.out.write(message, 0, message.length); System.out.flush(); }
        }
    };

    public static LambdaLogger getLogger() { return LOGGER; }
}

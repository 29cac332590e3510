package com.amazonaws.services.lambda.runtime;

/** A logger writing to the function's log stream. */
public interface LambdaLogger {
    void log(String message);
    void log(byte[] message);
}

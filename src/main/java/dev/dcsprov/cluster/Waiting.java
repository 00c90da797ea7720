package dev.dcsprov.cluster;

/** Time for polls and deadlines; unit tests pass a virtual clock that moves a fake cluster on. */
public interface Waiting {
    Waiting REAL = new Waiting() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void pause(long millis) {
            dev.dcsprov.Shell.pause(millis);
        }
    };

    long nanoTime();

    void pause(long millis);
}

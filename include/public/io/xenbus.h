/* SPDX-License-Identifier: MIT */
/*
 * The xenbus device states, as Xen's public/io/xenbus.h numbers them: each
 * end of a split driver writes its own in its xenstore directory's
 * "state" key, as a decimal number.
 */
#ifndef PUBLIC_IO_XENBUS_H
#define PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown = 0,
    XenbusStateInitialising = 1,
    XenbusStateInitWait = 2,        /* backend: waiting for the frontend's keys */
    XenbusStateInitialised = 3,     /* frontend: its keys are written */
    XenbusStateConnected = 4,
    XenbusStateClosing = 5,
    XenbusStateClosed = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured = 8,
};

#endif

/* SPDX-License-Identifier: MIT */
#ifndef PETREL_VERSION_H
#define PETREL_VERSION_H
#define PETREL_VERSION "0.1"
#endif

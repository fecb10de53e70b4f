/*
 * bad-nfit-length.asl: an NFIT whose sub-table lengths and counts lie.
 *
 * Booted by tests/test-all next to QEMU's own NVDIMM (so the guest sees
 * two NFITs); the kernel must refuse the two bad sub-tables, keep the
 * rest of this table, keep QEMU's region, and go on to PASS.
 *
 * iasl recomputes every sub-table length and count it compiles, so the
 * faults are put in afterwards: test-all applies each "zdk-patch" line
 * below to the compiled table (offset, width, new value); QEMU then fixes
 * the table checksum.
 *
 *   0x028  SPA range 10, volatile, 0x180000000 + 64 MiB   valid, makes no region
 *   0x060  memory device map, handle 0x10                  48 bytes, patched to 64:
 * zdk-patch: 0x62 u16 64
 *          the walk goes on 64 bytes later, past the SMBIOS sub-table
 *   0x090  SMBIOS information, 8 bytes of data             skipped by the bad length
 *   0x0a0  control region 11, serial 0xbad1                valid
 *   0x0f0  flush hint address, handle 0x10, 1 hint         count patched to 3:
 * zdk-patch: 0xf8 u16 3
 *
 * Expected: "refused: length 64, expected 48" for the map and "refused:
 * hint count 3 needs 40 bytes, the length is 24" for the hints.
 */
[0004]                          Signature : "NFIT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "ZDKTST"
[0008]                       Oem Table ID : "BADLEN  "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                      Subtable Type : 0000 [System Physical Address Range]
[0002]                             Length : 0038
[0002]                        Range Index : 000A
[0002]              Flags (decoded below) : 0000
                Add/Online Operation Only : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0004]                   Proximity Domain : 00000000
[0016]                   Region Type GUID : 7305944F-FDDA-44E3-B16C-3F22D252E5D0
[0008]                 Address Range Base : 0000000180000000
[0008]               Address Range Length : 0000000004000000
[0008]               Memory Map Attribute : 0000000000000008

[0002]                      Subtable Type : 0001 [Memory Range Map]
[0002]                             Length : 0030
[0004]                      Device Handle : 00000010
[0002]                        Physical Id : 0000
[0002]                          Region Id : 0000
[0002]                        Range Index : 000A
[0002]               Control Region Index : 000B
[0008]                        Region Size : 0000000004000000
[0008]                      Region Offset : 0000000000000000
[0008]                Address Region Base : 0000000000000000
[0002]                   Interleave Index : 0000
[0002]                    Interleave Ways : 0001
[0002]                              Flags : 0000
                    Save to device failed : 0
               Restore from device failed : 0
                    Platform flush failed : 0
                         Device not armed : 0
                   Health events observed : 0
                    Health events enabled : 0
                           Mapping failed : 0
[0002]                           Reserved : 0000

[0002]                      Subtable Type : 0003 [SMBIOS Information]
[0002]                             Length : 0010
[0004]                           Reserved : 00000000
[0008]               SMBIOS Table Entries : 11 22 33 44 55 66 77 88

[0002]                      Subtable Type : 0004 [NVDIMM Control Region]
[0002]                             Length : 0050
[0002]                       Region Index : 000B
[0002]                          Vendor Id : 8086
[0002]                          Device Id : 0001
[0002]                        Revision Id : 0001
[0002]                Subsystem Vendor Id : 0000
[0002]                Subsystem Device Id : 0000
[0002]              Subsystem Revision Id : 0000
[0001]                       Valid Fields : 00
[0001]             Manufacturing Location : 00
[0002]                 Manufacturing Date : 0000
[0002]                           Reserved : 0000
[0004]                      Serial Number : 0000BAD1
[0002]                               Code : 0301
[0002]                       Window Count : 0000
[0008]                        Window Size : 0000000000000000
[0008]                     Command Offset : 0000000000000000
[0008]                       Command Size : 0000000000000000
[0008]                      Status Offset : 0000000000000000
[0008]                        Status Size : 0000000000000000
[0002]                              Flags : 0000
                         Windows buffered : 0
[0006]                          Reserved1 : 000000000000

[0002]                      Subtable Type : 0006 [Flush Hint Address]
[0002]                             Length : 0018
[0004]                      Device Handle : 00000010
[0002]                         Hint Count : 0001
[0006]                           Reserved : 000000000000
[0008]                       Hint Address : 00000000FEE01000

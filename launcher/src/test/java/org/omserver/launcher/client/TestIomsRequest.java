package org.omserver.launcher.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IOMClient syntax: what is accepted, and every way a hostile or sloppy request is refused. */
class TestIomsRequest
{
    @Test
    void aModuleRequestNamesTheModuleTheExactHostsAndTheParameters()
    {
        ClientRequest request = ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=1001,serverip=10.0.0.1;10.0.0.10,sys_param_1=50"));
        assertThat(request).isEqualTo(new ClientRequest.Run(1001, new ClientRequest.Hosts(List.of("10.0.0.1", "10.0.0.10")),
                Map.of("sys_param_1", "50")));
    }

    @Test
    void servertypeNamesAGroup()
    {
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=1003,servertype=www.domain.com")))
                .isEqualTo(new ClientRequest.Run(1003, new ClientRequest.Group("www.domain.com"), Map.of()));
    }

    @Test
    void helpAndShowversionTakeNoKeys()
    {
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=help"))).isEqualTo(new ClientRequest.Help());
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=showversion"))).isEqualTo(new ClientRequest.ShowVersion());
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=help,serverip=10.0.0.1")))
                .hasMessageContaining("cmd=help takes no key serverip; write just cmd=help");
    }

    @Test
    void aModuleIdIsDigitsOnly()
    {
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=1001;rm -rf /,serverip=10.0.0.1")))
                .hasMessageContaining("id must be a module number such as 1003, was '1001;rm -rf /'");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=$(reboot),serverip=10.0.0.1")))
                .hasMessageContaining("id must be a module number such as 1003, was '$(reboot)'");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=`id`,serverip=10.0.0.1")))
                .hasMessageContaining("id must be a module number such as 1003");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=99999999999,serverip=10.0.0.1")))
                .hasMessageContaining("id must be a module number such as 1003");
    }

    @Test
    void serveripTakesWholeAddressesSeparatedBySemicolons()
    {
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.1; 10.0.0.2")).hasMessageContaining("serverip: ' 10.0.0.2' is not an IP address");
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.")).hasMessageContaining("serverip: '10.0.0.' is not an IP address");
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.1;;10.0.0.2")).hasMessageContaining("serverip has an empty entry");
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.1;10.0.0.1")).hasMessageContaining("serverip lists 10.0.0.1 twice");
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.01")).hasMessageContaining("'10.0.0.01' is not an IP address");
        assertThatThrownBy(() -> IomsRequest.serverIps("10.0.0.1$(id)")).hasMessageContaining("is not an IP address");
        assertThat(IomsRequest.serverIps("10.0.0.1;10.0.0.10")).containsExactly("10.0.0.1", "10.0.0.10");
    }

    @Test
    void targetsAreExactlyOneOfServeripAndServertype()
    {
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=1003")))
                .hasMessageContaining("give the targets with exactly one of serverip=IP;IP (exact addresses) and servertype=GROUP");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,id=1003,serverip=10.0.0.1,servertype=web")))
                .hasMessageContaining("exactly one of serverip");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=module,serverip=10.0.0.1")))
                .hasMessageContaining("cmd=module needs id=MODULE");
    }

    @Test
    void malformedRequestsAreRefusedWithWhatToWrite()
    {
        assertThatThrownBy(() -> IomsRequest.parse("id=1003,cmd=module")).hasMessageContaining("the request must start with cmd=NAME");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id=1003,id=1004")).hasMessageContaining("id is given more than once; give each key once");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,,id=1003")).hasMessageContaining("the request has an empty item");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id=1003,")).hasMessageContaining("the request has an empty item");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id")).hasMessageContaining("'id' is not key=value");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id=")).hasMessageContaining("id has no value");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,ID=1003")).hasMessageContaining("'ID' is not a key");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id=1003\nrm -rf /")).hasMessageContaining("control character (\\u000a) at position 19");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,id=1003\0")).hasMessageContaining("control character (\\u0000)");
        assertThatThrownBy(() -> IomsRequest.parse("cmd=module,sys_param_1=" + "9".repeat(9000))).hasMessageContaining("at most 8192 are accepted");
    }

    @Test
    void commandsThatNeedTheNativeAgentSaySo()
    {
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=updateself,package=agent-1.2.3.zip,servertype=web")))
                .isEqualTo(new ClientRequest.Run(2050, new ClientRequest.Group("web"), Map.of("package", "agent-1.2.3.zip")));
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=updateself,file=x.zip,serverip=10.0.0.1")))
                .hasMessageContaining("cmd=updateself takes no key file; its keys are package");
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=genmd5"))).isEqualTo(new ClientRequest.FileRehash(null));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=dir"))).isEqualTo(new ClientRequest.FileList());
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=downloads,file=a.conf,path=/srv/x,serverip=10.0.0.1;10.0.0.2")))
                .isEqualTo(new ClientRequest.Run(2010, new ClientRequest.Hosts(List.of("10.0.0.1", "10.0.0.2")), Map.of("file", "a.conf", "path", "/srv/x")));
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=downloads,file=a.conf,serverip=10.0.0.1")))
                .hasMessageContaining("cmd=downloads needs file=NAME (from cmd=dir) and path=DIR");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=remove"))).hasMessageContaining("cmd=remove needs file=NAME");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=reboot"))).hasMessageContaining("unknown cmd 'reboot'; 'cmd=help' lists the commands");
    }

    @Test
    void theIomsHostCommandsBecomeTheirAgentModules()
    {
        ClientRequest.Hosts host = new ClientRequest.Hosts(List.of("10.0.0.1"));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=agentlist,serverip=10.0.0.1"))).isEqualTo(new ClientRequest.Run(2001, host, Map.of()));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=version,serverip=10.0.0.1"))).isEqualTo(new ClientRequest.Run(2002, host, Map.of()));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=command,command=df -h,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2003, host, Map.of("command", "df -h")));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=cronadd,cron=*/5;3;*;*;1-5;/usr/local/bin/game;game,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2005, host, Map.of("schedule", "*/5 3 * * 1-5", "command", "/usr/local/bin/game", "process", "game")));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=cronadd,schedule=0 4 * * *,command=/usr/bin/backup --all,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2005, host, Map.of("schedule", "0 4 * * *", "command", "/usr/bin/backup --all")));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=cronremove,cron=*/5;3;*;*;1-5;/usr/local/bin/game;game,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2006, host, Map.of("entry", "*/5;3;*;*;1-5;/usr/local/bin/game;game")));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=password,account=deploy,password=x,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2007, host, Map.of("account", "deploy", "password", "x")));
        assertThat(ClientRequest.fromIoms(IomsRequest.parse("cmd=unzip,unzipfile=/srv/a.zip,path=/srv/a,serverip=10.0.0.1")))
                .isEqualTo(new ClientRequest.Run(2008, host, Map.of("unzipfile", "/srv/a.zip", "path", "/srv/a")));

        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=cronadd,cron=*/5;3;*,serverip=10.0.0.1")))
                .hasMessageContaining("cron must be min;hour;day;month;weekday;abs-path;process-name");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=password,account=deploy,user=x,serverip=10.0.0.1")))
                .hasMessageContaining("cmd=password takes no key user; its keys are account, password");
        assertThatThrownBy(() -> ClientRequest.fromIoms(IomsRequest.parse("cmd=version")))
                .hasMessageContaining("give the targets with exactly one of serverip");
    }
}

# Each command makes only the requests it needs (issue "Performance"): counted in the emulator's
# request log, never timed. A regression here costs users a round trip per token.
BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:account = New-TestAccount -Prefix count
    $script:session = Connect-HubAccount -Credential $account.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru

    # Requests this test's account made, by method and path, since the last Clear-HubRequestLog.
    function Get-Requests([string] $Method) {
        @(Get-HubRequestLog | Where-Object { $_.path -like '/v2/*' -and (-not $Method -or $_.method -eq $Method) })
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Requests per command after Connect-HubAccount' {
    BeforeAll {
        $script:tokens = Add-TestToken -Username $account.Username -Count 3 -LabelPrefix one-
        $script:id = [guid]$tokens[0].uuid
    }

    BeforeEach { Clear-HubRequestLog }

    It 'Get-HubAccessToken -Id makes 1 request' {
        Get-HubAccessToken -Id $id | Should -Not -BeNullOrEmpty
        (Get-Requests).Count | Should -Be 1
        (Get-Requests GET).Count | Should -Be 1
    }

    It 'Rename-HubAccessToken makes 1 request' {
        Rename-HubAccessToken -Id $id -NewLabel one-renamed
        (Get-Requests).Count | Should -Be 1
        (Get-Requests PATCH).Count | Should -Be 1
    }

    It 'Disable-HubAccessToken of one token makes 1 request' {
        Disable-HubAccessToken -Id $id
        (Get-Requests).Count | Should -Be 1
    }

    It 'Enable-HubAccessToken of one token makes 1 request' {
        Enable-HubAccessToken -Id $id
        (Get-Requests).Count | Should -Be 1
    }

    It 'Remove-HubAccessToken of one token makes 1 request' {
        Remove-HubAccessToken -Id ([guid]$tokens[2].uuid) -Force
        (Get-Requests).Count | Should -Be 1
        (Get-Requests DELETE).Count | Should -Be 1
    }

    It 'Reset-HubAccessToken of one token makes 4 requests: read, create, verify, disable' {
        $old = [guid](Add-TestToken -Username $account.Username -LabelPrefix rot- -Scopes repo:read)[0].uuid
        Clear-HubRequestLog
        $new = Reset-HubAccessToken -Id $old -NoVault -Confirm:$false
        $new.ReplacedId | Should -Be $old
        @(Get-Requests | ForEach-Object { "$($_.method) $($_.path)" }) | Should -Be @(
            "GET /v2/access-tokens/$old"
            'POST /v2/access-tokens'
            'POST /v2/auth/token'
            "PATCH /v2/access-tokens/$old"
        )
    }

    It 'no command signs in again' {
        Get-HubAccessToken | Out-Null
        Get-HubAccessToken -Id $id | Out-Null
        (Get-HubRequestLog | Where-Object path -like '/v2/users/*').Count | Should -Be 0
    }
}

Describe 'Listing N tokens takes ceiling(N/100) requests' {
    It 'lists <count> tokens with <pages> requests of page_size=100' -ForEach @(
        @{ count = 0; pages = 1 }
        @{ count = 100; pages = 1 }
        @{ count = 101; pages = 2 }
        @{ count = 1000; pages = 10 }
    ) {
        $user = New-TestAccount -Prefix pages
        if ($count -gt 0) { Add-TestToken -Username $user.Username -Count $count -LabelPrefix p- | Out-Null }
        $own = Connect-HubAccount -Credential $user.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
        Clear-HubRequestLog

        $listed = @(Get-HubAccessToken -Session $own)

        $listed.Count | Should -Be $count
        $requests = Get-Requests
        $requests.Count | Should -Be $pages
        $requests | ForEach-Object { $_.query | Should -Match 'page_size=100' }
    }

    It 'stops asking for pages once -First is met' {
        $user = New-TestAccount -Prefix first
        Add-TestToken -Username $user.Username -Count 250 -LabelPrefix f- | Out-Null
        $own = Connect-HubAccount -Credential $user.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
        Clear-HubRequestLog

        @(Get-HubAccessToken -Session $own -First 5).Count | Should -Be 5
        (Get-Requests).Count | Should -Be 1
    }
}

Describe 'Bulk removal' {
    It 'removes 300 tokens piped from Get-HubAccessToken with one DELETE each' {
        $user = New-TestAccount -Prefix bulk
        Add-TestToken -Username $user.Username -Count 300 -LabelPrefix bulk- | Out-Null
        $own = Connect-HubAccount -Credential $user.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
        Clear-HubRequestLog

        Get-HubAccessToken -Session $own -Label 'bulk-*' | Remove-HubAccessToken -Session $own -Confirm:$false

        @(Get-ServerToken -Username $user.Username).Count | Should -Be 0
        (Get-Requests DELETE).Count | Should -Be 300
        (Get-HubRequestLog | Where-Object path -like '/v2/users/*').Count | Should -Be 0
    }
}

Describe 'Organization access tokens: requests per command' {
    BeforeAll {
        $script:Owner = New-TestAccount -Prefix countorg
        # Business allows 100 tokens; tokens planted through the emulator ignore the limit anyway.
        $script:Org = (New-TestOrganization -Prefix count -Owner $Owner.Username -Plan Business).name
        $script:OrgSession = Connect-HubAccount -Credential $Owner.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
        $script:OrgTokens = @(Add-TestOrgToken -Organization $Org -Count 3 -LabelPrefix one- | ForEach-Object { $_ })

        function Get-OrgRequests([string] $Organization, [string] $Method) {
            @(Get-HubRequestLog | Where-Object { $_.path -like "/v2/orgs/$Organization/*" -and (-not $Method -or $_.method -eq $Method) })
        }
    }

    BeforeEach { Clear-HubRequestLog }

    It 'Get-HubOrgAccessToken -Id makes 1 request' {
        Get-HubOrgAccessToken $Org -Id $OrgTokens[0].id -Session $OrgSession | Should -Not -BeNullOrEmpty
        (Get-OrgRequests $Org).Count | Should -Be 1
        (Get-Requests).Count | Should -Be 1
    }

    It 'New-HubOrgAccessToken makes 1 request' {
        New-HubOrgAccessToken $Org new-one -Repository "$Org/app" -NoVault -Session $OrgSession | Should -Not -BeNullOrEmpty
        (Get-Requests).Count | Should -Be 1
        (Get-OrgRequests $Org POST).Count | Should -Be 1
    }

    It 'Set-HubOrgAccessToken makes 1 request' {
        Set-HubOrgAccessToken $Org $OrgTokens[0].id -Label one-renamed -Repository "$Org/app" -Session $OrgSession
        (Get-Requests).Count | Should -Be 1
        (Get-OrgRequests $Org PATCH).Count | Should -Be 1
    }

    It '<Command> of one token makes 1 request' -ForEach @(
        @{ Command = 'Disable-HubOrgAccessToken' }
        @{ Command = 'Enable-HubOrgAccessToken' }
    ) {
        & $Command $Org $OrgTokens[1].id -Session $OrgSession
        (Get-Requests).Count | Should -Be 1
    }

    It 'Remove-HubOrgAccessToken of one token makes 1 request' {
        Remove-HubOrgAccessToken $Org $OrgTokens[2].id -Force -Session $OrgSession
        (Get-Requests).Count | Should -Be 1
        (Get-OrgRequests $Org DELETE).Count | Should -Be 1
    }

    It 'lists <count> tokens with <pages> requests of page_size=100' -ForEach @(
        @{ count = 0; pages = 1 }
        @{ count = 100; pages = 1 }
        @{ count = 101; pages = 2 }
        @{ count = 250; pages = 3 }
    ) {
        $org = (New-TestOrganization -Prefix pages -Owner $Owner.Username -Plan Business).name
        if ($count -gt 0) { Add-TestOrgToken -Organization $org -Count $count -LabelPrefix p- | Out-Null }
        Clear-HubRequestLog

        @(Get-HubOrgAccessToken $org -Session $OrgSession).Count | Should -Be $count
        $requests = Get-OrgRequests $org
        $requests.Count | Should -Be $pages
        $requests | ForEach-Object { $_.query | Should -Match 'page_size=100' }
    }

    It '-IncludeResources adds exactly one request per listed token' {
        $org = (New-TestOrganization -Prefix detail -Owner $Owner.Username).name
        Add-TestOrgToken -Organization $org -Count 7 -LabelPrefix d- | Out-Null
        Clear-HubRequestLog

        $tokens = @(Get-HubOrgAccessToken $org -IncludeResources -Session $OrgSession)

        $tokens.Count | Should -Be 7
        $tokens | ForEach-Object { $_.Resources | Should -Not -BeNullOrEmpty }
        (Get-OrgRequests $org GET).Count | Should -Be 8
    }

    It 'removes 120 tokens piped from Get-HubOrgAccessToken with one DELETE each' {
        $org = (New-TestOrganization -Prefix bulk -Owner $Owner.Username -Plan Business).name
        Add-TestOrgToken -Organization $org -Count 120 -LabelPrefix b- | Out-Null
        Clear-HubRequestLog

        Get-HubOrgAccessToken $org -Session $OrgSession | Remove-HubOrgAccessToken -Session $OrgSession -Confirm:$false

        @(Get-ServerOrgToken -Organization $org).Count | Should -Be 0
        (Get-OrgRequests $org DELETE).Count | Should -Be 120
        (Get-HubRequestLog | Where-Object path -like '/v2/users/*').Count | Should -Be 0
    }
}
